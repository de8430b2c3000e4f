// Static SPA: no server rendering; every route is prerendered as an empty shell.
export const ssr = false;
export const prerender = true;
export const trailingSlash = 'always';
