package dev.sparkembed.embed.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sparkembed.embed.engine.ModelSpec;
import dev.sparkembed.serving.ServingQueries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceSparkSettingsTest {

  private static ServiceConf conf(
      String master, boolean continuous, String device, Map<String, String> sparkConf) {
    return new ServiceConf(
        "127.0.0.1",
        8888,
        "head",
        continuous,
        master,
        ModelSpec.defaults().withDevice(device),
        null,
        null,
        null,
        ServiceLimits.defaults(),
        100,
        Duration.ofSeconds(30),
        100,
        0,
        sparkConf);
  }

  @Test
  void localMastersNeedNoJars() {
    List<String> notes = new ArrayList<>();
    Map<String, String> s =
        ServiceSparkSettings.settings(
            conf("local[*]", false, "auto", Map.of()), List.of("/a.jar"), notes);
    assertThat(s)
        .doesNotContainKey("spark.jars")
        .containsEntry("spark.sql.streaming.pollingDelay", "1ms");
    assertThat(notes).isEmpty();
  }

  @Test
  void clusterExecutorsGetOurJarsUnlessTheUserSetThem() {
    List<String> notes = new ArrayList<>();
    Map<String, String> s =
        ServiceSparkSettings.settings(
            conf("spark://m:7077", false, "auto", Map.of()), List.of("/a.jar", "/b.jar"), notes);
    assertThat(s).containsEntry("spark.jars", "/a.jar,/b.jar");
    Map<String, String> own =
        ServiceSparkSettings.settings(
            conf("spark://m:7077", false, "auto", Map.of("spark.jars", "/mine.jar")),
            List.of("/a.jar"),
            new ArrayList<>());
    assertThat(own).containsEntry("spark.jars", "/mine.jar");
  }

  @Test
  void continuousOnGpuExecutorsSharesTheGpuAmongTaskSlots() {
    List<String> notes = new ArrayList<>();
    Map<String, String> s =
        ServiceSparkSettings.settings(
            conf(
                "spark://m:7077",
                true,
                "cuda",
                Map.of("spark.executor.resource.gpu.amount", "1", "spark.executor.cores", "4")),
            List.of(),
            notes);
    assertThat(s).containsEntry("spark.task.resource.gpu.amount", "0.2500");
    assertThat(notes).anyMatch(n -> n.contains("0.2500"));

    Map<String, String> microBatch =
        ServiceSparkSettings.settings(
            conf(
                "spark://m:7077",
                false,
                "cuda",
                Map.of("spark.executor.resource.gpu.amount", "1", "spark.executor.cores", "4")),
            List.of(),
            new ArrayList<>());
    assertThat(microBatch).doesNotContainKey("spark.task.resource.gpu.amount");

    Map<String, String> userChoice =
        ServiceSparkSettings.settings(
            conf(
                "spark://m:7077",
                true,
                "cuda",
                Map.of(
                    "spark.executor.resource.gpu.amount", "1",
                    "spark.executor.cores", "4",
                    "spark.task.resource.gpu.amount", "0.5")),
            List.of(),
            new ArrayList<>());
    assertThat(userChoice).containsEntry("spark.task.resource.gpu.amount", "0.5");
  }

  @Test
  void continuousGetsTheIdleSettingsAndTheUserStillWins() {
    Map<String, String> s =
        ServiceSparkSettings.settings(
            conf("local[*]", true, "auto", Map.of()), List.of(), new ArrayList<>());
    assertThat(s).containsAllEntriesOf(ServingQueries.CONTINUOUS_SESSION_SETTINGS);

    Map<String, String> microBatch =
        ServiceSparkSettings.settings(
            conf("local[*]", false, "auto", Map.of()), List.of(), new ArrayList<>());
    assertThat(microBatch)
        .doesNotContainKeys(
            ServingQueries.CONTINUOUS_SESSION_SETTINGS.keySet().toArray(new String[0]));

    Map<String, String> userChoice =
        ServiceSparkSettings.settings(
            conf(
                "local[*]",
                true,
                "auto",
                Map.of("spark.sql.streaming.continuous.executorPollIntervalMs", "100")),
            List.of(),
            new ArrayList<>());
    assertThat(userChoice)
        .containsEntry("spark.sql.streaming.continuous.executorPollIntervalMs", "100");
  }
}
