type EnumClass<T> = abstract new (...args: never[]) => T;

/**
 * Enum base: each member is a static instance with a value and a label.
 *
 *   class Role extends BaseEnum<string> { static ADMIN = new Role('admin', 'Administrator') }
 *   Role.fromValue('admin') === Role.ADMIN; Role.schema() -> { type: 'string', enum: [...] }
 */
const memberLists = new WeakMap<object, BaseEnum<string | number>[]>();

export class BaseEnum<V extends string | number = string> {
  readonly value: V;
  readonly label: string;

  constructor(value: V, label: string) {
    this.value = value;
    this.label = label;
  }

  /** The members in declaration order; listed once per class (on first use, after its statics exist). */
  static members<T extends BaseEnum<string | number>>(this: EnumClass<T>): T[] {
    let list = memberLists.get(this) as T[] | undefined;
    if (!list) {
      list = Object.values(this).filter((v): v is T => v instanceof this);
      memberLists.set(this, list);
    }
    return list;
  }

  static values<T extends BaseEnum<string | number>>(this: EnumClass<T>): T['value'][] {
    return BaseEnum.members.call(this).map((m) => m.value) as T['value'][];
  }

  static fromValue<T extends BaseEnum<string | number>>(this: EnumClass<T>, value: unknown): T | undefined {
    return (BaseEnum.members.call(this) as T[]).find((m) => m.value === value);
  }

  static fromLabel<T extends BaseEnum<string | number>>(this: EnumClass<T>, label: string): T | undefined {
    return (BaseEnum.members.call(this) as T[]).find((m) => m.label === label);
  }

  /** A JSON-schema fragment accepting exactly the member values, for ajv. */
  static schema<T extends BaseEnum<string | number>>(this: EnumClass<T>): { type: 'string' | 'integer'; enum: T['value'][] } {
    const values = BaseEnum.values.call(this) as T['value'][];
    return { type: typeof values[0] === 'number' ? 'integer' : 'string', enum: values };
  }

  toJSON(): V {
    return this.value;
  }

  toString(): string {
    return String(this.value);
  }
}
