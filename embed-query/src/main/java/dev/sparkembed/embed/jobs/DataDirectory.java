package dev.sparkembed.embed.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The one folder a controller's file jobs read and write ({@code --data-dir}): a job's {@code
 * input} and {@code output} are paths relative to it, and none may leave it, whether by an absolute
 * path, a {@code ..} or a symbolic link. Driver only.
 */
public final class DataDirectory {
  private final Path root;

  private DataDirectory(Path root) {
    this.root = root;
  }

  /** The folder (made if missing), with every link in its own path resolved. */
  public static DataDirectory at(Path dir) {
    try {
      Files.createDirectories(dir);
      return new DataDirectory(dir.toRealPath());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot use --data-dir " + dir, e);
    }
  }

  public Path root() {
    return root;
  }

  /**
   * The absolute path of {@code relative} inside this folder.
   *
   * @throws IllegalArgumentException naming the field and why the path is refused
   */
  Path resolve(String field, String relative) {
    Path given;
    try {
      given = Path.of(relative);
    } catch (InvalidPathException e) {
      throw refused(field, relative, "not a valid path");
    }
    if (given.isAbsolute() || relative.startsWith("~") || relative.contains(":")) {
      throw refused(field, relative, "give a path relative to the data directory");
    }
    for (Path part : given) {
      if (part.toString().equals("..")) {
        throw refused(field, relative, "'..' is not allowed");
      }
    }
    Path resolved = root.resolve(given).normalize();
    // Links: the deepest part that exists must still be inside the folder once resolved.
    Path existing = resolved;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    try {
      if (existing == null || !existing.toRealPath().startsWith(root)) {
        throw refused(field, relative, "it leads out of the data directory");
      }
    } catch (IOException e) {
      throw refused(field, relative, "it cannot be resolved (" + e.getMessage() + ")");
    }
    if (Files.isSymbolicLink(resolved)) {
      throw refused(field, relative, "it is a symbolic link");
    }
    return resolved;
  }

  private static IllegalArgumentException refused(String field, String path, String why) {
    return new IllegalArgumentException(
        "Invalid field '" + field + "' in the job spec: '" + path + "' (" + why + ")");
  }
}
