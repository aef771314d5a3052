/** What the scaffolder was asked for, after validation. */
export interface ServicePlan {
  /** snake_case package name, e.g. `order_center`. */
  name: string;
  kind: 'http' | 'ws' | 'server' | 'service';
  port: number;
  serverId: string;
  /** Table-name tag, e.g. `ord` for `ord_item`. */
  tag: string;
}

/** One file to write, relative to the project root. */
export interface PlannedFile {
  path: string;
  text: string;
}

export function launcherName(plan: ServicePlan): string {
  return `${plan.kind}_${plan.name}.ts`;
}

export function pascal(snake: string): string {
  return snake.replace(/(^|_)([a-z0-9])/g, (_, __, ch: string) => ch.toUpperCase());
}

export const hasHttpRoutes = (plan: ServicePlan) => plan.kind === 'http' || plan.kind === 'server';
export const hasWebSocket = (plan: ServicePlan) => plan.kind === 'ws' || plan.kind === 'server';
