// The event bus port: in-process for all-in-one mode, Redis pub/sub for cluster mode.
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';

export type BusHandler = (message: unknown) => void;

export interface EventBus {
  /**
   * True when every message published reaches every subscriber (the in-process bus). A networked bus can lose
   * messages while it reconnects, so its subscribers must not count on hearing of everything.
   */
  readonly lossless?: boolean;
  publish(topic: string, message: unknown): Promise<void>;
  subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export class InProcessBus implements EventBus {
  readonly lossless = true;
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(topic: string, message: unknown): Promise<void> {
    // Deliver on a later tick, as a network bus would, and keep subscribers from sharing objects.
    const copy = structuredClone(message);
    queueMicrotask(() => this.emitter.emit(topic, copy));
  }

  async subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>> {
    this.emitter.on(topic, handler);
    return async () => {
      this.emitter.off(topic, handler);
    };
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

export class RedisBus implements EventBus {
  private readonly handlers = new Map<string, Set<BusHandler>>();

  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly prefix = 'bus:',
  ) {
    this.sub.on('message', (channel: string, raw: string) => {
      const topic = channel.slice(this.prefix.length);
      const set = this.handlers.get(topic);
      if (!set) return;
      const message = JSON.parse(raw) as unknown;
      for (const handler of set) handler(message);
    });
  }

  async publish(topic: string, message: unknown): Promise<void> {
    await this.pub.publish(this.prefix + topic, JSON.stringify(message));
  }

  async subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>> {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
      await this.sub.subscribe(this.prefix + topic);
    }
    set.add(handler);
    return async () => {
      set.delete(handler);
      if (set.size === 0) {
        this.handlers.delete(topic);
        await this.sub.unsubscribe(this.prefix + topic);
      }
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.sub.disconnect();
    this.pub.disconnect();
  }
}
