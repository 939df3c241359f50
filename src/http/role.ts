/**
 * The two roles a caller can hold: `read` (every GET but the audit log) and `admin`
 * (everything). In a file of their own because both the token check (auth.ts) and the signed
 * session cookie (session.ts) carry a role, and auth.ts reads session cookies.
 */
export type Role = "read" | "admin";
