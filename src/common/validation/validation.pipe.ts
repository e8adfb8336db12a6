import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, GatewayError } from '../gateway-error';
import { jsonShapeProblem } from './json-shape';

/** Flattens class-validator's tree into one entry per bad field, named by its path (`input.name`). */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, reasons: [...new Set(Object.values(error.constraints))] }] : [];
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/**
 * Validates every argument object before a resolver or route runs, so that a bad input never
 * costs an upstream call, and reports every bad field at once as BAD_USER_INPUT. A REST body is
 * first checked for its shape: class-transformer and class-validator recurse through it, and a
 * body nested tens of thousands deep would overflow the stack (GraphQL arguments are bounded by
 * the schema's types).
 */
class GatewayValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      const problem = jsonShapeProblem(value);
      if (problem) throw GatewayError.badInput([{ field: 'body', reasons: [problem] }]);
    }
    return super.transform(value, metadata);
  }
}

export const gatewayValidationPipe = (): ValidationPipe =>
  new GatewayValidationPipe({
    transform: true,
    forbidUnknownValues: false,
    validateCustomDecorators: false,
    exceptionFactory: (errors) => GatewayError.badInput(fieldProblems(errors)),
  });
