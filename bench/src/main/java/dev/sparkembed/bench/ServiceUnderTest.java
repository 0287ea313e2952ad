package dev.sparkembed.bench;

import java.net.URI;
import java.nio.file.Path;

/**
 * A service a bench command measures: how to start it as a child JVM on a given port, and where it
 * answers. Implementations describe; {@link ServingBenchmark} starts, probes, loads and stops.
 */
public interface ServiceUnderTest {
  /** Short name for tables: {@code spark-embed}, {@code SynapseML}. */
  String name();

  /** What was run, for the report: mode, trigger, arguments. */
  String config();

  /** The child JVM serving on {@code port}, logging under {@code logDir}. */
  ChildJvm childJvm(int port, Path logDir);

  /** The URL requests are POSTed to when the service listens on {@code port}. */
  URI url(int port);
}
