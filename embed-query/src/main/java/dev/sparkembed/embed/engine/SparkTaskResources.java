package dev.sparkembed.embed.engine;

import java.util.Map;
import java.util.OptionalInt;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * What the running Spark task owns: its cores ({@code spark.task.cpus}) and the GPU Spark assigned
 * it. Empty outside a task (the driver, the CLI) and when Spark is not on the classpath. Executor
 * side.
 */
final class SparkTaskResources {
  private SparkTaskResources() {}

  static OptionalInt taskCpus() {
    try {
      TaskContext tc = TaskContext.get();
      return tc == null ? OptionalInt.empty() : OptionalInt.of(Math.max(1, tc.cpus()));
    } catch (LinkageError e) {
      return OptionalInt.empty();
    }
  }

  /** The first GPU address Spark assigned to this task, when it is a number. */
  static OptionalInt gpuIndex() {
    try {
      TaskContext tc = TaskContext.get();
      if (tc == null) {
        return OptionalInt.empty();
      }
      Map<String, ResourceInformation> resources = tc.resourcesJMap();
      ResourceInformation gpu = resources.get("gpu");
      if (gpu == null || gpu.addresses().length == 0) {
        return OptionalInt.empty();
      }
      return OptionalInt.of(Integer.parseInt(gpu.addresses()[0].strip()));
    } catch (LinkageError | NumberFormatException e) {
      return OptionalInt.empty();
    }
  }
}
