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
});

describe(ImageStatusWatcher.name, () => {
  const logger = { warn: jest.fn() } as unknown as PinoLogger;
  const config = { subscriptionPoll: { minMs: 5, maxMs: 20 } } as GatewayConfig;

  const watcherAnswering = (statuses: ImageStatus[]) => {
    let next = 0;
    const images = { findByIds: jest.fn(async () => [image(statuses[Math.min(next++, statuses.length - 1)])]) };
    return { watcher: new ImageStatusWatcher(images as unknown as ImagesService, config, logger), images };
  };

  const drain = async (events: AsyncIterableIterator<ImageStatusEvent>) => {
    const seen: (ImageStatus | undefined)[] = [];
    for await (const event of events) seen.push(event.image?.status);
    return seen;
  };

  it('passes an UNKNOWN status on and keeps watching until a known end', async () => {
    const { watcher, images } = watcherAnswering([ImageStatus.CREATING, ImageStatus.UNKNOWN, ImageStatus.UNKNOWN, ImageStatus.AVAILABLE]);
    await expect(drain(watcher.watch('img-1'))).resolves.toEqual([ImageStatus.CREATING, ImageStatus.UNKNOWN, ImageStatus.AVAILABLE]);
    expect(images.findByIds).toHaveBeenCalledTimes(4);
    expect(watcher.activePollers).toBe(0);
  });

  it('does not complete on UNKNOWN', async () => {
    const { watcher, images } = watcherAnswering([ImageStatus.UNKNOWN]);
    const events = watcher.watch('img-1');
    await expect(events.next()).resolves.toMatchObject({ done: false, value: { image: { status: ImageStatus.UNKNOWN } } });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(images.findByIds.mock.calls.length).toBeGreaterThan(1);
    expect(watcher.activePollers).toBe(1);
    await events.return?.();
    expect(watcher.activePollers).toBe(0);
  });
});
