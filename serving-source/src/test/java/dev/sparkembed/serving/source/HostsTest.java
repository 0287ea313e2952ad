package dev.sparkembed.serving.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class HostsTest {
  /** What Spark calls this machine in these tests: a worker's own address. */
  private static final Supplier<String> WORKER = () -> "10.232.0.11";

  @Test
  void anAddressThisMachineHasIsBoundAndAdvertisedAsGiven() {
    assertThat(Hosts.bindable("127.0.0.1", WORKER)).isEqualTo("127.0.0.1");
    assertThat(Hosts.advertised("127.0.0.1", WORKER)).isEqualTo("127.0.0.1");
  }

  @Test
  void everyInterfaceIsBoundAndSparksHostAdvertised() {
    assertThat(Hosts.bindable("0.0.0.0", WORKER)).isEqualTo("0.0.0.0");
    assertThat(Hosts.bindable("*", WORKER)).isEqualTo("0.0.0.0");
    assertThat(Hosts.advertised("0.0.0.0", WORKER)).isEqualTo("10.232.0.11");
  }

  @Test
  void anotherMachinesAddressBindsSparksHostHereInstead() {
    // TEST-NET-3: no interface here has it, as a worker has no driver's address.
    assertThat(Hosts.bindable("203.0.113.7", WORKER)).isEqualTo("10.232.0.11");
    assertThat(Hosts.advertised("203.0.113.7", WORKER)).isEqualTo("10.232.0.11");
    // Outside Spark there is nothing better: the bind reports the address.
    assertThat(Hosts.bindable("203.0.113.7", () -> null)).isEqualTo("203.0.113.7");
  }
}
