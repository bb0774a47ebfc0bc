/**
 * Container ↔ container traffic on one Docker bridge reaches nftables' `forward` hook only when
 * br_netfilter is loaded and `net.bridge.bridge-nf-call-iptables` (IPv4) and
 * `bridge-nf-call-ip6tables` (IPv6) are 1. Without them whalewall cannot filter it.
 */
import { readFileSync } from 'node:fs';

const SYSCTL_DIR = '/proc/sys/net/bridge';

function readSysctl(dir: string, name: string): string | undefined {
  try {
    // Synchronous on purpose: /proc/sys/net shows the network namespace of the reading thread.
    return readFileSync(`${dir}/${name}`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** A warning for the operator, or undefined when bridged traffic is filtered. */
export function checkBridgeNetfilter(dir = SYSCTL_DIR): string | undefined {
  const v4 = readSysctl(dir, 'bridge-nf-call-iptables');
  if (v4 === undefined) {
    return 'br_netfilter is not loaded: traffic between containers on one bridge is not filtered (modprobe br_netfilter)';
  }
  const off = [
    ['bridge-nf-call-iptables', v4],
    ['bridge-nf-call-ip6tables', readSysctl(dir, 'bridge-nf-call-ip6tables')],
  ].filter(([, value]) => value !== '1');
  if (off.length === 0) return undefined;
  const names = off.map(([name]) => `net.bridge.${name ?? ''}`).join(' and ');
  return `${names} not 1: traffic between containers on one bridge is not filtered (sysctl -w ${names
    .split(' and ')
    .map((n) => `${n}=1`)
    .join(' ')})`;
}
