import { BaseEnum } from '../libs/base_enum.js';

/** Account roles, shared by every service that accepts manage_system sessions; higher rank includes lower. */
export class Role extends BaseEnum<string> {
  static readonly VIEWER = new Role('viewer', 'Viewer', 1);
  static readonly OPERATOR = new Role('operator', 'Operator', 2);
  static readonly ADMIN = new Role('admin', 'Administrator', 3);

  readonly rank: number;

  constructor(value: string, label: string, rank: number) {
    super(value, label);
    this.rank = rank;
  }

  /** Whether a holder of this role may do what `needed` may. */
  includes(needed: Role): boolean {
    return this.rank >= needed.rank;
  }
}
