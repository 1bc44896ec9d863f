import { type TemplateObject, type TemplateValue } from '../engine/template-values';

/** `object[key] = value`, where a key named __proto__ is data, not the object's prototype. */
export function setOwn(object: TemplateObject, key: string, value: TemplateValue): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    object[key] = value;
  }
}
