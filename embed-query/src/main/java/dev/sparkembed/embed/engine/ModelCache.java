package dev.sparkembed.embed.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracts a {@link BuiltInModel}'s ONNX file and tokenizer.json from its jar into a cache
 * directory, once per artifact version. Runs wherever a model loads (executors, the driver in local
 * mode). Concurrent JVMs sharing the directory are safe: each extracts into its own temporary
 * folder and renames it atomically into place; the loser of a race deletes its copy.
 *
 * <p>The cache root is the system property {@value #CACHE_DIR_PROPERTY}, else the environment
 * variable {@value #CACHE_DIR_ENV}, else {@code ~/.cache/spark-embed}.
 */
final class ModelCache {
  static final String CACHE_DIR_PROPERTY = "spark.embed.cache.dir";
  static final String CACHE_DIR_ENV = "SPARK_EMBED_CACHE_DIR";
  static final String MODEL_FILE = "model.onnx";
  static final String TOKENIZER_FILE = "tokenizer.json";

  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

  private ModelCache() {}

  static Path root() {
    String dir = System.getProperty(CACHE_DIR_PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv(CACHE_DIR_ENV);
    }
    if (dir == null || dir.isBlank()) {
      return Path.of(System.getProperty("user.home"), ".cache", "spark-embed");
    }
    return Path.of(dir);
  }

  /** Returns the directory holding {@code model.onnx} and {@code tokenizer.json}. */
  static Path extract(BuiltInModel model) {
    Path root = root();
    Path target = root.resolve(model.modelName() + "-" + artifactVersion(model));
    if (Files.isRegularFile(target.resolve(MODEL_FILE))
        && Files.isRegularFile(target.resolve(TOKENIZER_FILE))) {
      return target;
    }
    Path tmp = null;
    try {
      Files.createDirectories(root);
      tmp = Files.createTempDirectory(root, "." + model.modelName() + "-");
      copyResource(model.onnxResource(), tmp.resolve(MODEL_FILE), model);
      copyResource(model.tokenizerResource(), tmp.resolve(TOKENIZER_FILE), model);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("Extracted built-in model {} to {}", model.modelName(), target);
        tmp = null;
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        LOG.debug("Another process extracted {} first; using {}", model.modelName(), target);
      } catch (AtomicMoveNotSupportedException e) {
        throw new ModelLoadException(
            "Cannot use model cache directory " + root + ": it does not support atomic renames");
      }
      return target;
    } catch (IOException e) {
      throw new ModelLoadException(
          "Cannot extract built-in model "
              + model.modelName()
              + " into the cache directory "
              + root
              + " (set -D"
              + CACHE_DIR_PROPERTY
              + " or "
              + CACHE_DIR_ENV
              + " to a writable folder): "
              + EngineErrors.rootMessage(e),
          e);
    } finally {
      if (tmp != null) {
        deleteRecursively(tmp);
      }
    }
  }

  private static void copyResource(String resource, Path to, BuiltInModel model)
      throws IOException {
    try (InputStream in = ModelCache.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new ModelLoadException(
            "Cannot load built-in model "
                + model.modelName()
                + ": resource "
                + resource
                + " not found on the classpath (add dev.langchain4j:"
                + model.artifactId()
                + ")");
      }
      Files.copy(in, to);
    }
  }

  private static String artifactVersion(BuiltInModel model) {
    try (InputStream in =
        ModelCache.class.getClassLoader().getResourceAsStream(model.pomPropertiesResource())) {
      if (in == null) {
        return "unversioned";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unversioned");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debug("Could not delete temporary folder {}", dir, e);
    }
  }
}
