/** The nftables edge: whalewall's table in the kernel, through libnftables. */
export { NftFirewall, translateNftError, type Firewall } from './firewall.ts';
export { parseChainsFile, readChainsFile, type OperatorChain } from './chains-file.ts';
export { checkBridgeNetfilter } from './bridge-check.ts';
