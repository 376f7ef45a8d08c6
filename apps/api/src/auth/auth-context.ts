export interface AuthUser {
  id: string;
  email: string;
  displayName: string;
  handle: string;
  createdAt: Date;
}

export interface AuthContext {
  user: AuthUser;
  sessionId: string;
}
