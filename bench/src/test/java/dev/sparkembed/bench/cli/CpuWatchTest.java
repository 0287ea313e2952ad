package dev.sparkembed.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class CpuWatchTest {
  @Test
  void countsTheCpuThisJvmSpends() {
    CpuWatch watch = new CpuWatch();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long start = os.getProcessCpuTime();
    // Busy work until the process has spent 100 ms of CPU (bounded by a wall-clock deadline).
    long deadline = System.nanoTime() + 10_000_000_000L;
    double sink = 0;
    while (os.getProcessCpuTime() - start < 100_000_000L && System.nanoTime() < deadline) {
      for (int i = 1; i < 100_000; i++) {
        sink += Math.sqrt(i);
      }
    }
    assertThat(sink).isPositive();
    assertThat(watch.jvmCores()).isPositive();
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertThat(watch.otherCores()).isNotNull().isGreaterThanOrEqualTo(0.0);
    } else {
      assertThat(watch.otherCores()).isNull();
    }
  }
}
