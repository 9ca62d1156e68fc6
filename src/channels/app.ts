import type { ChannelName } from "../db/schema.js";
import type { DeliveryApp } from "../delivery/worker.js";

/**
 * An app is a module: it receives people's updates from its platform (and prints replies with its own
 * printer), and offers the delivery worker its sender and its own rate gate. The program builds the modules
 * that configuration enables, starts them (receiving comes before the worker starts) and stops them in order.
 */
export interface ChatApp {
  readonly name: ChannelName;
  /** What the delivery worker takes from this app. */
  readonly delivery: DeliveryApp;
  /** Checks the platform, gets ready, and begins receiving; resolves once updates are being taken. */
  start(): Promise<void>;
  /** Stops receiving and lets in-flight updates finish. Safe before or without start. */
  stop(): Promise<void>;
}
