import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, GatewayError } from '../gateway-error';

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
 * costs an upstream call, and reports every bad field at once as BAD_USER_INPUT.
 */
export const gatewayValidationPipe = () =>
  new ValidationPipe({
    transform: true,
    forbidUnknownValues: false,
    validateCustomDecorators: false,
    exceptionFactory: (errors) => GatewayError.badInput(fieldProblems(errors)),
  });
