import { ArgumentMetadata } from '@nestjs/common';
import { CreateImageArgs, ImagesArgs, UpdateImagesArgs } from '../../modules/images/dto/images.args';
import { GatewayError } from '../errors';
import { gatewayValidationPipe } from './validation.pipe';

const pipe = gatewayValidationPipe();
const validate = (metatype: ArgumentMetadata['metatype'], value: unknown) => pipe.transform(value, { type: 'body', metatype });
const fieldsOf = async (metatype: ArgumentMetadata['metatype'], value: unknown) => {
  const error = await validate(metatype, value).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).code).toBe('BAD_USER_INPUT');
  return Object.fromEntries((error as GatewayError).details.fields!.map((f) => [f.field, f.reasons.join('; ')]));
};

describe('input validation', () => {
  it('accepts a good createImage input, including Chinese characters in the name', async () => {
    await expect(validate(CreateImageArgs, { input: { instanceId: 'ins-1', name: 'web-镜像_01', description: 'golden' } })).resolves.toMatchObject({
      input: { instanceId: 'ins-1', name: 'web-镜像_01', description: 'golden' },
    });
  });

  it('lists every bad field of createImage at once', async () => {
    const fields = await fieldsOf(CreateImageArgs, { input: { instanceId: '', name: 'has space!', description: 'x'.repeat(256) } });
    expect(Object.keys(fields).sort()).toEqual(['input.description', 'input.instanceId', 'input.name']);
    expect(fields['input.name']).toMatch(/1 to 24 characters/);
    expect(fields['input.description']).toMatch(/at most 255/);
  });

  it.each([
    ['empty', ''],
    ['25 characters', 'a'.repeat(25)],
    ['a dot', 'web.01'],
    ['an emoji', 'web😀'],
  ])('refuses an image name that is %s', async (_why, name) => {
    const fields = await fieldsOf(CreateImageArgs, { input: { instanceId: 'ins-1', name } });
    expect(fields['input.name']).toMatch(/1 to 24 characters/);
  });

  it('accepts a 24-character name of Chinese characters', async () => {
    await expect(validate(CreateImageArgs, { input: { instanceId: 'ins-1', name: '镜'.repeat(24) } })).resolves.toMatchObject({ input: { name: '镜'.repeat(24) } });
  });

  it('refuses empty, oversized and repeated id lists', async () => {
    expect((await fieldsOf(UpdateImagesArgs, { input: { ids: [], name: 'a' } }))['input.ids']).toMatch(/at least one/);
    const many = Array.from({ length: 101 }, (_, i) => `img-${i}`);
    expect((await fieldsOf(UpdateImagesArgs, { input: { ids: many, name: 'a' } }))['input.ids']).toMatch(/at most 100/);
    expect((await fieldsOf(UpdateImagesArgs, { input: { ids: ['a', 'a'], name: 'a' } }))['input.ids']).toMatch(/repeat/);
  });

  it('bounds pageSize to 1..1000, page from 1, and checks the zone id shape', async () => {
    const fields = await fieldsOf(ImagesArgs, { page: 0, pageSize: 1001, filter: { zoneId: 'FRA A' } });
    expect(fields).toMatchObject({ page: expect.stringMatching(/at least 1/), pageSize: expect.stringMatching(/1 to 1000/), 'filter.zoneId': expect.stringMatching(/zone id/) });
    await expect(validate(ImagesArgs, { page: 1, pageSize: 1000, filter: { zoneId: 'FRA-A' } })).resolves.toMatchObject({ page: 1, pageSize: 1000, filter: { zoneId: 'FRA-A' } });
  });

  it('refuses a body that is not an object, or that carries a constructor or __proto__ key, before building the class', async () => {
    expect(await fieldsOf(CreateImageArgs, [{ input: { instanceId: 'ins-1', name: 'a' } }])).toEqual({ body: 'must be an object' });
    expect(await fieldsOf(CreateImageArgs, 'text')).toEqual({ body: 'must be an object' });
    for (const key of ['constructor', '__proto__']) {
      const body = JSON.parse(`{"input":{"instanceId":"ins-1","name":"a","${key}":{"x":1}}}`);
      expect((await fieldsOf(CreateImageArgs, body)).body).toMatch(new RegExp(key));
    }
  });
});
