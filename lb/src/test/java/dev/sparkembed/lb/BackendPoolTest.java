package dev.sparkembed.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackendPoolTest {

  private final BackendPool pool = new BackendPool();
  private final BackendAddress a = new BackendAddress("10.0.0.1", 8889);
  private final BackendAddress b = new BackendAddress("10.0.0.2", 8889);
  private final BackendAddress c = new BackendAddress("10.0.0.3", 8889);

  private List<BackendAddress> choices(int n) {
    List<BackendAddress> chosen = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      chosen.add(pool.choose(Set.of()).address());
    }
    return chosen;
  }

  @Test
  void tiesGoRoundRobin() {
    pool.add(a, Backend.Source.STATIC, null);
    pool.add(b, Backend.Source.STATIC, null);
    pool.add(c, Backend.Source.STATIC, null);

    assertThat(choices(6)).containsExactly(a, b, c, a, b, c);
  }

  @Test
  void choosesTheLeastOutstandingUpBackend() {
    pool.add(a, Backend.Source.STATIC, null);
    pool.add(b, Backend.Source.STATIC, null);
    pool.add(c, Backend.Source.STATIC, null);
    pool.get(a).requestStarted();
    pool.get(a).requestStarted();
    pool.get(b).requestStarted();
    pool.get(c).markDown("test");

    assertThat(choices(3)).containsOnly(b);
    pool.get(a).requestFinished();
    pool.get(a).requestFinished();
    assertThat(choices(3)).containsOnly(a);
    assertThat(pool.choose(Set.of(pool.get(a)))).isSameAs(pool.get(b));
  }

  @Test
  void noneWhenAllAreDownOrExcluded() {
    assertThat(pool.choose(Set.of())).isNull();
    pool.add(a, Backend.Source.STATIC, null);
    assertThat(pool.choose(Set.of(pool.get(a)))).isNull();
    pool.get(a).markDown("test");
    assertThat(pool.choose(Set.of())).isNull();
  }

  @Test
  void healthChecksNeedFallFailuresAndRiseSuccesses() {
    pool.add(a, Backend.Source.STATIC, null);
    Backend backend = pool.get(a);

    backend.checkFailed(2, "boom");
    assertThat(backend.isUp()).isTrue();
    backend.checkFailed(2, "boom");
    assertThat(backend.isUp()).isFalse();
    assertThat(backend.lastError()).isEqualTo("boom");
    backend.checkPassed(2);
    assertThat(backend.isUp()).isFalse();
    backend.checkPassed(2);
    assertThat(backend.isUp()).isTrue();
  }

  @Test
  void aBackendStaysWhileAnySourceNamesIt() {
    List<BackendAddress> removed = new ArrayList<>();
    pool.onRemoved(removed::add);
    pool.add(a, Backend.Source.STATIC, null);
    pool.add(a, Backend.Source.REGISTERED, "1");

    assertThat(pool.remove(a, Backend.Source.REGISTERED)).isTrue();
    assertThat(pool.size()).isEqualTo(1);
    assertThat(pool.remove(a, Backend.Source.REGISTERED)).isFalse();
    assertThat(pool.remove(a, Backend.Source.STATIC)).isTrue();
    assertThat(pool.size()).isZero();
    assertThat(removed).containsExactly(a);
  }

  @Test
  void discoveryReplacesOnlyItsOwnBackends() {
    pool.add(a, Backend.Source.STATIC, null);
    Map<BackendAddress, String> first = new LinkedHashMap<>();
    first.put(a, "1");
    first.put(b, "2");
    pool.replace(Backend.Source.DISCOVERED, first);
    assertThat(pool.backends()).extracting(Backend::address).containsExactly(a, b);

    pool.replace(Backend.Source.DISCOVERED, Map.of(c, "3"));
    assertThat(pool.backends()).extracting(Backend::address).containsExactly(a, c);
    assertThat(pool.sourcesOf(pool.get(a))).containsExactly(Backend.Source.STATIC);
  }
}
