package dev.sparkembed.embed.tokenize;

/**
 * Puts DJL into offline mode before any DJL class touches the network: no engine or tokenizer
 * library downloads (the native libraries come from the jars on the classpath) and no telemetry
 * call. Runs on the driver and on executors, before the first tokenizer or model loads; a value the
 * user set explicitly wins.
 */
public final class DjlOffline {
  private DjlOffline() {}

  public static void apply() {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("OPT_OUT_TRACKING", "true");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null && System.getenv(key) == null) {
      System.setProperty(key, value);
    }
  }
}
