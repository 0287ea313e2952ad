package dev.sparkembed.embed.jobs;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple4;
import scala.collection.Iterator;
import scala.collection.Seq;

/**
 * Live value of one row-counting accumulator while its job runs: the finished tasks' counts (from
 * task-end events) plus each running task's latest count (from executor heartbeats, every {@code
 * spark.executor.heartbeatInterval}). Nothing but the counts reaches the driver. Runs on the
 * driver, on Spark's listener bus thread; read from any thread.
 */
final class RowCountListener extends SparkListener {
  private final long accumulatorId;
  private final AtomicLong finished = new AtomicLong();
  private final Map<Long, Long> running = new ConcurrentHashMap<>();
  private final Set<Long> ended = new HashSet<>();

  RowCountListener(LongAccumulator accumulator) {
    this.accumulatorId = accumulator.id();
  }

  /** Rows counted so far (may briefly lag by one heartbeat). */
  long count() {
    long sum = finished.get();
    for (long v : running.values()) {
      sum += v;
    }
    return sum;
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    Iterator<Tuple4<Object, Object, Object, Seq<AccumulableInfo>>> it =
        update.accumUpdates().iterator();
    while (it.hasNext()) {
      Tuple4<Object, Object, Object, Seq<AccumulableInfo>> task = it.next();
      long taskId = (Long) task._1();
      Long value = valueOf(task._4());
      if (value != null) {
        synchronized (ended) {
          if (!ended.contains(taskId)) {
            running.put(taskId, value);
          }
        }
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    long taskId = end.taskInfo().taskId();
    synchronized (ended) {
      ended.add(taskId);
      running.remove(taskId);
    }
    if (end.taskInfo().successful()) {
      Long value = valueOf(end.taskInfo().accumulables());
      if (value != null) {
        finished.addAndGet(value);
      }
    }
  }

  private Long valueOf(Seq<AccumulableInfo> infos) {
    Iterator<AccumulableInfo> it = infos.iterator();
    while (it.hasNext()) {
      AccumulableInfo info = it.next();
      if (info.id() == accumulatorId && info.update().isDefined()) {
        Object v = info.update().get();
        return v instanceof Number n ? n.longValue() : null;
      }
    }
    return null;
  }
}
