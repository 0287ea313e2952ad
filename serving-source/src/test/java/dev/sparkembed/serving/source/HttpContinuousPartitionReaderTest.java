package dev.sparkembed.serving.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sparkembed.serving.server.ServingServers;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.Test;

/**
 * A continuous reader of a lane in its own JVM, on a real server: it waits on the lane (no polling
 * loop), hands a request over the moment it arrives, and ends when its thread is interrupted, which
 * is how Spark stops it.
 */
class HttpContinuousPartitionReaderTest {
  private static final String SECRET = "0123456789abcdef0123";

  @Test
  void handsOverARequestTheMomentItArrivesAndEndsWhenInterrupted() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    String token = "treader" + System.nanoTime();
    ServingServers.Registration reg =
        ServingServers.register(
            new ServingServers.Spec(
                "127.0.0.1",
                "127.0.0.1",
                port,
                1,
                List.of("/r"),
                token,
                SECRET,
                10,
                60_000,
                1024,
                Set.of("POST"),
                true,
                null,
                1,
                null,
                null,
                30_000));
    ExecutorService readerThread = Executors.newSingleThreadExecutor();
    HttpContinuousPartitionReader reader =
        new HttpContinuousPartitionReader(
            new HttpContinuousInputPartition(reg.address(), token, SECRET, 0, 0, null));
    try (Socket client = new Socket("127.0.0.1", reg.port())) {
      Future<Boolean> first = readerThread.submit(reader::next);
      OutputStream out = client.getOutputStream();
      out.write(
          "POST /r HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(first.get(60, TimeUnit.SECONDS)).isTrue();
      InternalRow request = reader.get().getStruct(1, 5);
      assertThat(new String(request.getBinary(4), StandardCharsets.UTF_8)).isEqualTo("hi");
      HttpPartitionOffset offset = (HttpPartitionOffset) reader.getOffset();
      assertThat(offset.key()).isEqualTo(HttpPartitionOffset.key(token, 0));
      assertThat(offset.seq()).isEqualTo(1);

      // Nothing more comes: the reader waits until Spark interrupts its thread.
      java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
      Future<Boolean> second =
          readerThread.submit(
              () -> {
                running.countDown();
                return reader.next();
              });
      // Interrupt only once the task runs (shutdownNow would drop a task still queued); an
      // interrupt that comes before the reader blocks is kept by the thread and ends it too.
      assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();
      readerThread.shutdownNow();
      assertThat(second.get(60, TimeUnit.SECONDS)).isFalse();
    } finally {
      readerThread.shutdownNow();
      reader.close();
      ServingServers.unregister(token, "test over");
    }
  }
}
