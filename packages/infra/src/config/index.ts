export const CONFIG = 1;
