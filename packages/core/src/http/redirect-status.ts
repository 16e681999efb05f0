/** The statuses a fetch follows (WHATWG Fetch, "redirect status"). */
export const isRedirect = (status: number) => [301, 302, 303, 307, 308].includes(status)
