import { DECORATORS, OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { requiredOneOf } from './validation/rules';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** A JSON Schema fragment, as @nestjs/swagger keeps it for a property. */
type SchemaFragment = Record<string, unknown>;

/**
 * What each class-validator rule says in OpenAPI. A rule absent from this table cannot be
 * published faithfully, so {@link documentValidationRules} refuses to start instead of leaving
 * it out of the document silently.
 */
const RULES: Record<string, (constraints: any[]) => SchemaFragment> = {
  isString: () => ({ type: 'string' }),
  isInt: () => ({ type: 'integer' }),
  min: ([value]) => ({ minimum: value }),
  max: ([value]) => ({ maximum: value }),
  minLength: ([value]) => ({ minLength: value }),
  maxLength: ([value]) => ({ maxLength: value }),
  matches: ([pattern]) => ({ pattern: pattern instanceof RegExp ? pattern.source : String(pattern) }),
  isIn: ([values]) => ({ enum: [...values] }),
  isArray: () => ({ type: 'array' }),
  arrayNotEmpty: () => ({ minItems: 1 }),
  arrayMinSize: ([value]) => ({ minItems: value }),
  arrayMaxSize: ([value]) => ({ maxItems: value }),
  arrayUnique: () => ({ uniqueItems: true }),
};

/** Rules that shape validation but say nothing about a value's form. */
const SILENT = new Set(['isOptional', 'nestedValidation', 'whitelistValidation', 'conditionalValidation']);

/**
 * Writes every class-validator rule of every class that is also an OpenAPI model (it has
 * `@ApiProperty` members) into its @nestjs/swagger property metadata, so the published
 * document states the very rules the validation pipe enforces: patterns, lengths, bounds,
 * integer types, non-empty and duplicate-free lists (`each` rules go to `items`).
 * Call it before `SwaggerModule.createDocument`, and {@link documentClassRules} after; it is
 * idempotent.
 */
export function documentValidationRules(): void {
  for (const [target, metadatas] of validatedClasses()) {
    const documented: string[] = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, target.prototype) ?? [];
    if (documented.length === 0) continue;
    const byProperty = new Map<string, ValidationMetadata[]>();
    for (const metadata of metadatas) {
      if (!metadata.propertyName) continue;
      byProperty.set(metadata.propertyName, [...(byProperty.get(metadata.propertyName) ?? []), metadata]);
    }
    for (const [property, rules] of byProperty) {
      if (!documented.includes(`:${property}`)) {
        throw new Error(`${target.name}.${property} is validated but has no @ApiProperty: the OpenAPI document would not state its rules`);
      }
      const existing = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, target.prototype, property) ?? {};
      Reflect.defineMetadata(DECORATORS.API_MODEL_PROPERTIES, { ...existing, ...schemaOf(target.name, property, rules) }, target.prototype, property);
    }
  }
}

function schemaOf(className: string, property: string, rules: ValidationMetadata[]): SchemaFragment {
  const own: SchemaFragment = {};
  const items: SchemaFragment = {};
  for (const rule of rules) {
    const name = rule.name ?? rule.type;
    if (SILENT.has(name) || SILENT.has(rule.type)) continue;
    const describe = RULES[name];
    if (!describe) throw new Error(`${className}.${property}: the rule "${name}" has no OpenAPI form; add it to RULES in src/common/openapi-rules.ts`);
    Object.assign(rule.each ? items : own, describe(rule.constraints ?? []));
  }
  if (own.type !== 'array' && Object.keys(items).length === 0) return own;
  // A list: the property is an array of `items`. (In a query string it is one comma-separated
  // value, `?ids=a,b`: see documentQueryLists.)
  const { type: itemType, ...itemRules } = items;
  return { ...own, type: 'array', items: { type: itemType ?? 'string', ...itemRules } };
}

/**
 * States how a list travels in a query string: one comma-separated value (`?ids=a,b`, which
 * `CommaSeparated` reads), in OpenAPI's words form style without explode.
 */
export function documentQueryLists(document: OpenAPIObject): void {
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations) as Array<{ parameters?: Array<Record<string, any>> }>) {
      for (const parameter of operation?.parameters ?? []) {
        if (parameter.in === 'query' && parameter.schema?.type === 'array') Object.assign(parameter, { style: 'form', explode: false });
      }
    }
  }
}

/** States each `RequireOneOf` rule (validation/rules.ts) in `document` as `anyOf` on the class's schema. */
export function documentClassRules(document: OpenAPIObject): void {
  for (const [target] of validatedClasses()) {
    const oneOf = requiredOneOf(target);
    const schema = document.components?.schemas?.[target.name];
    if (oneOf && schema) Object.assign(schema, { anyOf: oneOf.map((name) => ({ required: [name] })) });
  }
}

/** Every class with class-validator rules, with its own rules (not its parents'). */
function validatedClasses(): Map<Function, ValidationMetadata[]> {
  const storage = getMetadataStorage() as unknown as { validationMetadatas?: Map<Function, ValidationMetadata[]> };
  if (!(storage.validationMetadatas instanceof Map)) {
    throw new Error("class-validator's metadata storage has moved: the OpenAPI document cannot state the validation rules");
  }
  return storage.validationMetadatas;
}
