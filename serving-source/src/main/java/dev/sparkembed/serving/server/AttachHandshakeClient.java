package dev.sparkembed.serving.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The first handler of an attach connection: sends the handshake, reads the balancer's answer, and
 * on {@code 101} removes itself so that the serving handlers behind it see every later byte (a
 * request the balancer sent right after its answer included: the decoder hands its leftover bytes
 * on when removed). Any other answer closes the connection. Event loop of the attachment.
 */
final class AttachHandshakeClient extends ByteToMessageDecoder {

  /** What the attachment hears about one connection's handshake. */
  interface Listener {
    void attached();

    void refused(String statusLine);
  }

  private final byte[] handshake;
  private final Listener listener;

  AttachHandshakeClient(byte[] handshake, Listener listener) {
    this.handshake = handshake;
    this.listener = listener;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    // First in the pipeline: the handshake goes straight to the socket, past the HTTP encoder.
    ctx.writeAndFlush(Unpooled.wrappedBuffer(handshake));
    super.channelActive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int end = endOfHead(in);
    if (end < 0) {
      if (in.readableBytes() > AttachProtocol.MAX_ANSWER_BYTES) {
        in.skipBytes(in.readableBytes());
        listener.refused("an answer over " + AttachProtocol.MAX_ANSWER_BYTES + " bytes");
        ctx.close();
      }
      return;
    }
    String head = in.readCharSequence(end - in.readerIndex(), StandardCharsets.US_ASCII).toString();
    int eol = head.indexOf('\r');
    String statusLine = eol < 0 ? head : head.substring(0, eol);
    if (statusLine.startsWith("HTTP/1.1 101 ")) {
      listener.attached();
      ctx.pipeline().remove(this);
    } else {
      in.skipBytes(in.readableBytes());
      listener.refused(statusLine);
      ctx.close();
    }
  }

  /** The index just after the blank line that ends the answer's head, or -1. */
  private static int endOfHead(ByteBuf in) {
    int last = in.writerIndex() - 3;
    for (int i = in.readerIndex(); i < last; i++) {
      if (in.getByte(i) == '\r'
          && in.getByte(i + 1) == '\n'
          && in.getByte(i + 2) == '\r'
          && in.getByte(i + 3) == '\n') {
        return i + 4;
      }
    }
    return -1;
  }
}
