export function secondsFromNow(seconds: number, now = Date.now()): Date {
  return new Date(now + seconds * 1000);
}

export function minutesAgo(minutes: number, now = Date.now()): Date {
  return new Date(now - minutes * 60_000);
}

export function daysAgo(days: number, now = Date.now()): Date {
  return new Date(now - days * 86_400_000);
}
