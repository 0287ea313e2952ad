package dev.sparkembed.embed.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sparkembed.embed.engine.DeviceChoice;
import dev.sparkembed.embed.engine.ModelSpec;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Readers per server and model threads of the continuous trigger. */
class ContinuousLayoutTest {
  private static ServiceConf conf(String master, ModelSpec model, int numPartitions) {
    return new ServiceConf(
        "127.0.0.1",
        8888,
        "head",
        true,
        master,
        model,
        null,
        null,
        null,
        ServiceLimits.defaults(),
        100,
        Duration.ofSeconds(30),
        100,
        numPartitions,
        Map.of());
  }

  private static final ModelSpec AUTO = ModelSpec.defaults().withDevice(DeviceChoice.CPU);

  @Test
  void oneReaderUsesAllTheExecutorsCores() {
    assertThat(ContinuousLayout.readersPerServer(conf("local[4]", AUTO, 0))).isEqualTo(1);
    assertThat(ContinuousLayout.model(conf("local[4]", AUTO, 0), Map.of()).threads()).isEqualTo(4);
  }

  @Test
  void readersShareTheCores() {
    ServiceConf two = conf("local[4]", AUTO, 2);
    assertThat(ContinuousLayout.readersPerServer(two)).isEqualTo(2);
    assertThat(ContinuousLayout.model(two, Map.of()).threads()).isEqualTo(2);
    assertThat(ContinuousLayout.model(conf("local[2]", AUTO, 8), Map.of()).threads()).isEqualTo(1);
  }

  @Test
  void fixedThreadsAndUnknownCoresKeepTheSpec() {
    ModelSpec three = AUTO.withThreads(3);
    assertThat(ContinuousLayout.model(conf("local[4]", three, 0), Map.of())).isEqualTo(three);
    assertThat(ContinuousLayout.model(conf("spark://h:7077", AUTO, 0), Map.of())).isEqualTo(AUTO);
    assertThat(
            ContinuousLayout.model(
                    conf("spark://h:7077", AUTO, 0), Map.of("spark.executor.cores", "6"))
                .threads())
        .isEqualTo(6);
  }

  @Test
  void coresOfEachMaster() {
    assertThat(ContinuousLayout.executorCores("local", Map.of())).isEqualTo(1);
    assertThat(ContinuousLayout.executorCores("local[3]", Map.of())).isEqualTo(3);
    assertThat(ContinuousLayout.executorCores("local[2,4]", Map.of())).isEqualTo(2);
    assertThat(ContinuousLayout.executorCores("local[*]", Map.of()))
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(ContinuousLayout.executorCores("local-cluster[2,3,1024]", Map.of())).isEqualTo(3);
    assertThat(ContinuousLayout.executorCores("yarn", Map.of("spark.executor.cores", "x")))
        .isEqualTo(0);
  }
}
