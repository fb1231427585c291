export function chromePath(): string;
export const CHROME_ARGS: string[];
