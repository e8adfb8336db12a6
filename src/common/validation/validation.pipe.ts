import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidatorOptions } from 'class-validator';
import { FieldProblem, GatewayError } from '../errors';
import { jsonShapeProblem } from './json-shape';

/** Flattens class-validator's tree into one entry per bad field, named by its path (`input.name`). */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, reasons: [...new Set(Object.values(error.constraints))] }] : [];
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/** Types a handler argument may be declared with that carry no class-validator rules. */
const PLAIN_TYPES = new Set<unknown>([String, Boolean, Number, Array, Object, Buffer, Date]);

const VALIDATOR_OPTIONS: ValidatorOptions = { forbidUnknownValues: false, validationError: { target: false, value: false } };

/**
 * Validates every argument object before a resolver or route runs, so that a bad input never
 * costs an upstream call, and reports every bad field at once as BAD_USER_INPUT.
 *
 * An argument declared with a DTO class takes a short path: its JSON shape is checked (no
 * `__proto__` or `constructor` key, nesting bounded, so nothing below can be led astray or
 * overflow the stack), then class-transformer builds the class and class-validator checks it.
 * Nest's own pipe does the same with generic guards (binary values, sparse arrays, prototype
 * keys stripped rather than refused) that cost more than the checks themselves on every
 * request; arguments of other types still go through it.
 */
class GatewayValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype;
    if (typeof metatype !== 'function' || PLAIN_TYPES.has(metatype) || metadata.type === 'custom') return super.transform(value, metadata);
    const input = value ?? {};
    const field = metadata.type === 'body' ? metadata.data ?? 'body' : metadata.data ?? metadata.type;
    const problem = jsonShapeProblem(input);
    if (problem) throw GatewayError.badInput([{ field, reasons: [problem] }]);
    if (typeof input !== 'object' || Array.isArray(input) || input instanceof Uint8Array) {
      throw GatewayError.badInput([{ field, reasons: ['must be an object'] }]);
    }
    const entity = plainToInstance(metatype as new () => object, input);
    // Synchronous: no rule of the gateway is asynchronous, and the async form makes a promise per rule.
    const errors = validateSync(entity, VALIDATOR_OPTIONS);
    if (errors.length > 0) throw this.exceptionFactory(errors);
    return entity;
  }
}

export const gatewayValidationPipe = (): ValidationPipe =>
  new GatewayValidationPipe({
    transform: true,
    forbidUnknownValues: false,
    validateCustomDecorators: false,
    exceptionFactory: (errors) => GatewayError.badInput(fieldProblems(errors)),
  });
