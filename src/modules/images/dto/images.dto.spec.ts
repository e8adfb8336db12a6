import { ArgumentMetadata } from '@nestjs/common';
import { GatewayError } from '../../../common/errors';
import { IDEMPOTENCY_KEY_RULE, isIdempotencyKey } from '../../../common/validation/rules';
import { gatewayValidationPipe } from '../../../common/validation/validation.pipe';
import { CreateImageArgs, ImagesArgs, UpdateImagesArgs } from './images.args';
import { ImagesQuery } from './images.query';

const pipe = gatewayValidationPipe();
const validate = (metatype: ArgumentMetadata['metatype'], value: unknown) => pipe.transform(value, { type: 'query', metatype });
const fieldsOf = async (metatype: ArgumentMetadata['metatype'], value: unknown) => {
  const error = await validate(metatype, value).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).code).toBe('BAD_USER_INPUT');
  return Object.fromEntries((error as GatewayError).details.fields!.map((f) => [f.field, f.reasons.join('; ')]));
};

describe('image filter and paging rules', () => {
  it('refuses UNKNOWN as a filter value: it is an answer, not a question', async () => {
    const graphql = await fieldsOf(ImagesArgs, { filter: { type: 'UNKNOWN', status: 'UNKNOWN' } });
    expect(graphql).toEqual({ 'filter.type': 'must be one of PUBLIC_IMAGE, CUSTOM_IMAGE', 'filter.status': 'must be one of CREATING, AVAILABLE, UNAVAILABLE' });
    const rest = await fieldsOf(ImagesQuery, { type: 'UNKNOWN', status: 'UNKNOWN' });
    expect(Object.keys(rest).sort()).toEqual(['status', 'type']);
    await expect(validate(ImagesArgs, { filter: { type: 'CUSTOM_IMAGE', status: 'CREATING' } })).resolves.toMatchObject({ filter: { type: 'CUSTOM_IMAGE', status: 'CREATING' } });
  });

  it.each([
    ['a dot, as in a public image name', 'CentOS-7.9'],
    ['spaces and punctuation', 'Windows Server 2022 (64-bit)'],
    ['Chinese characters', '镜像-01'],
    ['128 characters', 'n'.repeat(128)],
  ])('accepts a name filter with %s', async (_why, name) => {
    await expect(validate(ImagesArgs, { filter: { name } })).resolves.toMatchObject({ filter: { name } });
    await expect(validate(ImagesQuery, { name })).resolves.toMatchObject({ name });
  });

  it.each([
    ['empty', ''],
    ['129 characters', 'n'.repeat(129)],
    ['a newline', 'web\n01'],
    ['a NUL', 'web\u000001'],
  ])('refuses a name filter that is %s', async (_why, name) => {
    expect((await fieldsOf(ImagesArgs, { filter: { name } }))['filter.name']).toMatch(/1 to 128 characters, without control characters/);
    expect((await fieldsOf(ImagesQuery, { name }))['name']).toMatch(/1 to 128 characters/);
  });

  it('keeps the strict rule for the names given to images', async () => {
    expect((await fieldsOf(CreateImageArgs, { input: { instanceId: 'ins-1', name: 'CentOS-7.9' } }))['input.name']).toMatch(/1 to 24 characters/);
    expect((await fieldsOf(UpdateImagesArgs, { input: { ids: ['img-1'], name: 'CentOS-7.9' } }))['input.name']).toMatch(/1 to 24 characters/);
  });

  it.each([
    ['a space', 'has space'],
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a non-ASCII character', 'clé'],
  ])('refuses an idempotency key with %s, as the GraphQL argument and as the REST header', async (_why, idempotencyKey) => {
    const input = { instanceId: 'ins-1', name: 'web' };
    expect(await fieldsOf(CreateImageArgs, { input, idempotencyKey })).toEqual({ idempotencyKey: IDEMPOTENCY_KEY_RULE });
    expect(isIdempotencyKey(idempotencyKey)).toBe(false);
  });

  it.each([['k-1'], ['~'.repeat(255)], ['4f9c2b1e-0d7a-4e55-9a51-1c2d3e4f5a6b']])('accepts the idempotency key %s in both places', async (idempotencyKey) => {
    await expect(validate(CreateImageArgs, { input: { instanceId: 'ins-1', name: 'web' }, idempotencyKey })).resolves.toMatchObject({ idempotencyKey });
    expect(isIdempotencyKey(idempotencyKey)).toBe(true);
  });

  it('bounds page at 1000000, in GraphQL and in the REST query', async () => {
    expect(await fieldsOf(ImagesArgs, { page: 1_000_001 })).toEqual({ page: 'must be from 1 to 1000000' });
    expect(await fieldsOf(ImagesQuery, { page: '99999999999' })).toEqual({ page: 'must be from 1 to 1000000' });
    await expect(validate(ImagesArgs, { page: 1_000_000 })).resolves.toMatchObject({ page: 1_000_000 });
    await expect(validate(ImagesQuery, { page: '1000000' })).resolves.toMatchObject({ page: 1_000_000 });
  });
});
