package dev.sparkembed.bench.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Where the CPU went over one benchmark phase: the cores this JVM used, and the cores every other
 * process used meanwhile (other builds and tests on a shared machine; the benchmark's own
 * PostgreSQL too). A phase measured while others took a core is not comparable with one measured on
 * a quiet machine, so the report shows both. The machine's total comes from {@code /proc/stat} and
 * is missing off Linux. Driver only.
 */
final class CpuWatch {
  private static final Path PROC_STAT = Path.of("/proc/stat");

  /** Linux reports /proc/stat in USER_HZ, 100 on every mainstream architecture. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final long startNanos = System.nanoTime();
  private final long startJvmCpuNanos = jvmCpuNanos();
  private final OptionalLong startMachineTicks = machineBusyTicks();

  /** Cores this JVM kept busy since the watch started (CPU seconds per second). */
  double jvmCores() {
    return (jvmCpuNanos() - startJvmCpuNanos) / (double) (System.nanoTime() - startNanos);
  }

  /** Cores other processes kept busy since the watch started, or null off Linux. */
  Double otherCores() {
    OptionalLong now = machineBusyTicks();
    if (now.isEmpty() || startMachineTicks.isEmpty()) {
      return null;
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double machine = (now.getAsLong() - startMachineTicks.getAsLong()) / TICKS_PER_SECOND;
    return Math.max(0, machine / seconds - jvmCores());
  }

  private static long jvmCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  /**
   * Busy ticks of all CPUs: user, nice, system, irq, softirq and steal of the {@code cpu} line (not
   * idle, iowait, or guest time, which user already counts).
   */
  private static OptionalLong machineBusyTicks() {
    try {
      String[] f = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        if (i != 4 && i != 5) {
          busy += Long.parseLong(f[i]);
        }
      }
      return OptionalLong.of(busy);
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }
}
