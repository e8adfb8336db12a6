import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Repeater } from '@repeaterjs/repeater';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { GatewayError } from '../../common/errors';
import { GATEWAY_CONFIG, GatewayConfig } from '../../config';
import { ImagesService } from './images.service';
import { Image, ImageStatus } from './models/image.model';

/** What a subscriber receives: the image as it now is, or why the watch ended. */
export interface ImageStatusEvent {
  image?: Image;
  error?: GatewayError;
}

interface Subscriber {
  push(event: ImageStatusEvent): Promise<unknown>;
  stop(): void;
}

// UNKNOWN (a status Zenlayer added since) is passed on but not final: it may be a step on the
// way to AVAILABLE, so the watch goes on until a known end.
const TERMINAL: ReadonlySet<ImageStatus> = new Set([ImageStatus.AVAILABLE, ImageStatus.UNAVAILABLE]);

/**
 * One poller per watched image, however many subscribers it has: it polls with a backoff
 * between `minMs` and `maxMs` (reset on every change), sends each status change to every
 * subscriber, ends every subscription when the image is AVAILABLE, UNAVAILABLE or gone, and
 * stops as soon as the last subscriber leaves.
 */
class ImagePoller {
  private readonly subscribers = new Set<Subscriber>();
  private last?: Image;
  private delay: number;
  private timer?: NodeJS.Timeout;
  private finished = false;

  constructor(
    private readonly id: string,
    private readonly images: ImagesService,
    private readonly poll: { minMs: number; maxMs: number },
    private readonly logger: PinoLogger,
    private readonly onIdle: () => void,
  ) {
    this.delay = poll.minMs;
  }

  add(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    if (this.last) void subscriber.push({ image: this.last });
    if (this.subscribers.size === 1 && !this.timer) this.schedule(0);
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) this.finish();
    };
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    for (const subscriber of this.subscribers) subscriber.stop();
    this.subscribers.clear();
    this.onIdle();
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let image: Image | null;
    try {
      [image] = await this.images.findByIds([this.id]);
    } catch (error) {
      // Zenlayer is failing for now: keep watching, more slowly.
      this.logger.warn({ imageId: this.id, err: (error as Error).message }, 'image status poll failed');
      return this.next(false);
    }
    if (this.finished) return;
    if (!image) {
      this.broadcast({ error: new GatewayError('NOT_FOUND', `Image ${this.id} does not exist (or was deleted)`) });
      return this.finish();
    }
    const changed = image.status !== this.last?.status;
    this.last = image;
    if (changed) this.broadcast({ image });
    if (TERMINAL.has(image.status)) return this.finish();
    this.next(changed);
  }

  private next(changed: boolean): void {
    if (this.finished) return;
    this.delay = changed ? this.poll.minMs : Math.min(this.poll.maxMs, Math.round(this.delay * 1.5));
    this.schedule(this.delay);
  }

  private broadcast(event: ImageStatusEvent): void {
    for (const subscriber of this.subscribers) void subscriber.push(event);
  }
}

/** Hands out subscriptions to image status changes, sharing one poller per image. */
@Injectable()
export class ImageStatusWatcher implements OnModuleDestroy {
  private readonly pollers = new Map<string, ImagePoller>();

  constructor(
    private readonly images: ImagesService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @InjectPinoLogger('subscriptions') private readonly logger: PinoLogger,
  ) {}

  /** Number of images being polled now. */
  get activePollers(): number {
    return this.pollers.size;
  }

  watch(imageId: string): AsyncIterableIterator<ImageStatusEvent> {
    return new Repeater<ImageStatusEvent>(async (push, stop) => {
      let poller = this.pollers.get(imageId);
      if (!poller) {
        poller = new ImagePoller(imageId, this.images, this.config.subscriptionPoll, this.logger, () => this.pollers.delete(imageId));
        this.pollers.set(imageId, poller);
      }
      const leave = poller.add({ push, stop });
      await stop;
      leave();
    });
  }

  /** Ends every subscription (shutdown). */
  onModuleDestroy(): void {
    for (const poller of [...this.pollers.values()]) poller.finish();
  }
}
