import type { Agent } from "node:http";
import { HttpsProxyAgent } from "https-proxy-agent";
import { getProxyForUrl } from "proxy-from-env";

/**
 * The outbound proxy for platform calls, from the standard variables: HTTPS_PROXY (or HTTP_PROXY for http
 * addresses, ALL_PROXY), skipped for hosts NO_PROXY lists. Government networks reach the Internet through
 * such a proxy, and Telegram is blocked on Vietnam's main networks. Every call to a platform — the Bot API,
 * file downloads, later Zalo — goes through {@link agentFor}.
 */
export function proxyFor(url: string): string | undefined {
  return getProxyForUrl(url) || undefined;
}

const agents = new Map<string, Agent>();

/** The agent that tunnels requests to `url` through the proxy (HTTP CONNECT), or undefined for a direct call. */
export function agentFor(url: string): Agent | undefined {
  const proxy = proxyFor(url);
  if (!proxy) return undefined;
  let agent = agents.get(proxy);
  if (!agent) {
    agent = new HttpsProxyAgent(proxy, { keepAlive: true });
    agents.set(proxy, agent);
  }
  return agent;
}

/** A proxy address for the log: without a password. */
export function proxyLabel(proxy: string | undefined): string | undefined {
  if (!proxy) return undefined;
  try {
    const u = new URL(proxy);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "<invalid proxy address>";
  }
}
