# Network namespaces as hosts on private bridges, for the system tests that run as root
# (docker/test-images.sh, scripts/testbed.sh). The bridges live in a namespace of their own (the
# "switch"), so nothing is added to the machine's own network; every address exists only inside
# these namespaces. The caller sets NS_PREFIX (unique per run); NAMESPACES lists what was made and
# netns_cleanup removes it all.
# shellcheck shell=bash

NAMESPACES=()

# The switch namespace, with one bridge per name given: netns_switch br0 [br1...]
netns_switch() {
  local sw="$NS_PREFIX-sw" bridge
  ip netns add "$sw"
  NAMESPACES+=("$sw")
  ip -n "$sw" link set lo up
  for bridge in "$@"; do
    ip -n "$sw" link add "$bridge" type bridge
    ip -n "$sw" link set "$bridge" up
  done
}

# A host: namespace NAME (named $NS_PREFIX-NAME) with loopback up and no interface yet.
netns_host() {
  local ns="$NS_PREFIX-$1"
  ip netns add "$ns"
  NAMESPACES+=("$ns")
  ip -n "$ns" link set lo up
}

# Plugs host NAME into BRIDGE as interface IFACE with ADDRESS (/24):
#   netns_plug NAME IFACE BRIDGE ADDRESS
netns_plug() {
  local name="$1" iface="$2" bridge="$3" address="$4" ns="$NS_PREFIX-$1" sw="$NS_PREFIX-sw"
  local port="v-$name-$iface"
  ip -n "$sw" link add "${port:0:15}" type veth peer name "$iface" netns "$ns"
  ip -n "$sw" link set "${port:0:15}" master "$bridge" up
  ip -n "$ns" addr add "$address/24" dev "$iface"
  ip -n "$ns" link set "$iface" up
}

# Whether any process runs in host NAME.
netns_alive() { [ -n "$(ip netns pids "$NS_PREFIX-$1" 2>/dev/null)" ]; }

# Kills every process of host NAME with SIGNAL (default KILL): netns_kill NAME [SIGNAL]
netns_kill() {
  local pids
  pids="$(ip netns pids "$NS_PREFIX-$1" 2>/dev/null)"
  # shellcheck disable=SC2086 # a list of process ids
  [ -z "$pids" ] || kill "-${2:-KILL}" $pids 2>/dev/null || true
}

# Stops every process in every namespace made (TERM, then KILL after 10 s) and deletes them.
netns_cleanup() {
  local ns pids
  for ns in "${NAMESPACES[@]}"; do
    netns_kill "${ns#"$NS_PREFIX"-}" TERM
  done
  for _ in $(seq 1 20); do
    pids=""
    for ns in "${NAMESPACES[@]}"; do pids="$pids$(ip netns pids "$ns" 2>/dev/null)"; done
    [ -z "$pids" ] && break
    sleep 0.5
  done
  for ns in "${NAMESPACES[@]}"; do
    netns_kill "${ns#"$NS_PREFIX"-}" KILL
    ip netns delete "$ns" 2>/dev/null
  done
  NAMESPACES=()
}
