import type { PinoLogger } from 'nestjs-pino';
import type { GatewayConfig } from '../../config';
import { ImageStatusEvent, ImageStatusWatcher } from './image-status.watcher';
import type { ImagesService } from './images.service';
import { Image, ImageStatus, ImageType } from './models/image.model';

const image = (status: ImageStatus): Image => ({
  id: 'img-1',
  name: 'one',
  type: ImageType.CUSTOM_IMAGE,
  status,
  sizeGb: 20,
  description: null,
  version: null,
  category: null,
  osType: null,
  zoneId: 'FRA-A',
});

/** What one poll finds: a status, `null` for an image that is gone, an Error for a failed call. */
type Answer = ImageStatus | null | Error;

describe(ImageStatusWatcher.name, () => {
  const config = { subscriptionPoll: { minMs: 100, maxMs: 400 } } as GatewayConfig;
  let logger: { warn: jest.Mock };

  beforeEach(() => {
    jest.useFakeTimers();
    logger = { warn: jest.fn() };
  });
  afterEach(() => jest.useRealTimers());

  /** A watcher whose polls find `answers` in turn, the last one from then on. */
  const watcherAnswering = (answers: Answer[]) => {
    let next = 0;
    const polledAt: number[] = [];
    const images = {
      findByIds: jest.fn(async () => {
        polledAt.push(Date.now());
        const answer = answers[Math.min(next++, answers.length - 1)];
        if (answer instanceof Error) throw answer;
        return [answer === null ? null : image(answer)];
      }),
    };
    const watcher = new ImageStatusWatcher(images as unknown as ImagesService, config, logger as unknown as PinoLogger);
    return { watcher, images, polledAt };
  };

  const gaps = (times: number[]) => times.slice(1).map((time, i) => time - times[i]);

  /** Every event until the watch ends: the status, or the error code. */
  const drain = async (events: AsyncIterableIterator<ImageStatusEvent>) => {
    const seen: string[] = [];
    for await (const event of events) seen.push(event.error?.code ?? event.image!.status);
    return seen;
  };

  it('passes an UNKNOWN status on and keeps watching until a known end', async () => {
    const { watcher, images } = watcherAnswering([ImageStatus.CREATING, ImageStatus.UNKNOWN, ImageStatus.UNKNOWN, ImageStatus.AVAILABLE]);
    const seen = drain(watcher.watch('img-1'));
    await jest.advanceTimersByTimeAsync(1000);
    await expect(seen).resolves.toEqual([ImageStatus.CREATING, ImageStatus.UNKNOWN, ImageStatus.AVAILABLE]);
    expect(images.findByIds).toHaveBeenCalledTimes(4);
    expect(watcher.activePollers).toBe(0);
  });

  it('completes when the image ends UNAVAILABLE, as when it ends AVAILABLE', async () => {
    const { watcher, images } = watcherAnswering([ImageStatus.CREATING, ImageStatus.UNAVAILABLE, ImageStatus.AVAILABLE]);
    const seen = drain(watcher.watch('img-1'));
    await jest.advanceTimersByTimeAsync(1000);
    await expect(seen).resolves.toEqual([ImageStatus.CREATING, ImageStatus.UNAVAILABLE]);
    expect(images.findByIds).toHaveBeenCalledTimes(2);
    expect(watcher.activePollers).toBe(0);
  });

  it('does not complete on UNKNOWN', async () => {
    const { watcher, images } = watcherAnswering([ImageStatus.UNKNOWN]);
    const events = watcher.watch('img-1');
    const first = events.next();
    await jest.advanceTimersByTimeAsync(0);
    await expect(first).resolves.toMatchObject({ done: false, value: { image: { status: ImageStatus.UNKNOWN } } });
    await jest.advanceTimersByTimeAsync(2000);
    expect(images.findByIds.mock.calls.length).toBeGreaterThan(3);
    expect(watcher.activePollers).toBe(1);
    await events.return?.();
    expect(watcher.activePollers).toBe(0);
  });

  it('backs off while nothing changes, up to maxMs, and starts over at minMs on a change', async () => {
    const statuses = [...Array<ImageStatus>(6).fill(ImageStatus.CREATING), ImageStatus.UNKNOWN, ImageStatus.UNKNOWN, ImageStatus.AVAILABLE];
    const { watcher, polledAt } = watcherAnswering(statuses);
    const seen = drain(watcher.watch('img-1'));
    await jest.advanceTimersByTimeAsync(5000);
    await expect(seen).resolves.toEqual([ImageStatus.CREATING, ImageStatus.UNKNOWN, ImageStatus.AVAILABLE]);
    expect(gaps(polledAt)).toEqual([100, 150, 225, 338, 400, 400, 100, 150]);
  });

  it('shares one poller among the subscribers of an image, a late one getting the last status at once', async () => {
    const { watcher, images } = watcherAnswering([ImageStatus.CREATING, ImageStatus.CREATING, ImageStatus.AVAILABLE]);
    const early = drain(watcher.watch('img-1'));
    await jest.advanceTimersByTimeAsync(0);
    const late = drain(watcher.watch('img-1'));
    await jest.advanceTimersByTimeAsync(0);
    expect(watcher.activePollers).toBe(1);
    expect(images.findByIds).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1000);
    await expect(early).resolves.toEqual([ImageStatus.CREATING, ImageStatus.AVAILABLE]);
    await expect(late).resolves.toEqual([ImageStatus.CREATING, ImageStatus.AVAILABLE]);
    expect(images.findByIds).toHaveBeenCalledTimes(3);
    expect(watcher.activePollers).toBe(0);
  });

  it('ends the watch with NOT_FOUND when the image is gone', async () => {
    const { watcher } = watcherAnswering([ImageStatus.CREATING, null]);
    const seen = drain(watcher.watch('img-1'));
    await jest.advanceTimersByTimeAsync(1000);
    await expect(seen).resolves.toEqual([ImageStatus.CREATING, 'NOT_FOUND']);
    expect(watcher.activePollers).toBe(0);
  });

  it('keeps watching through a failed poll, more slowly, and logs it', async () => {
    const { watcher, polledAt } = watcherAnswering([ImageStatus.CREATING, new Error('Zenlayer down'), ImageStatus.AVAILABLE]);
    const seen = drain(watcher.watch('img-1'));
    await jest.advanceTimersByTimeAsync(1000);
    await expect(seen).resolves.toEqual([ImageStatus.CREATING, ImageStatus.AVAILABLE]);
    expect(gaps(polledAt)).toEqual([100, 150]);
    expect(logger.warn).toHaveBeenCalledWith({ imageId: 'img-1', err: 'Zenlayer down' }, 'image status poll failed');
  });

  it('ends every watch on shutdown and polls no more', async () => {
    const { watcher, images } = watcherAnswering([ImageStatus.CREATING]);
    const seen = drain(watcher.watch('img-1'));
    await jest.advanceTimersByTimeAsync(0);
    watcher.onModuleDestroy();
    await expect(seen).resolves.toEqual([ImageStatus.CREATING]);
    await jest.advanceTimersByTimeAsync(5000);
    expect(images.findByIds).toHaveBeenCalledTimes(1);
    expect(watcher.activePollers).toBe(0);
  });
});
