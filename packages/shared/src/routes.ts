import { z } from 'zod';
import {
  ChangePasswordBody,
  LoginBody,
  RegisterBody,
  SessionIdParam,
  SessionList,
  UserDto,
} from './schemas/auth.js';
import {
  CreateGroupBody,
  CreateInviteBody,
  GroupDto,
  GroupList,
  InviteDto,
  JoinBody,
  JoinResult,
  SlugParam,
} from './schemas/groups.js';
import { DocumentDto, DocumentList, IdParam, ImportDocumentBody } from './schemas/documents.js';
import {
  AnnotationDto,
  AnnotationList,
  AnnotationQuery,
  CreateAnnotationBody,
  CreateReplyBody,
  PatchAnnotationBody,
  ReplyDto,
} from './schemas/annotations.js';
import { Health } from './schemas/health.js';

export type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';

/**
 * One entry per endpoint: the server validates with these schemas, the OpenAPI document is generated from them, and
 * the authorization tests walk them, so an endpoint cannot exist without a contract.
 */
export interface RouteContract {
  method: HttpMethod;
  path: string;
  summary: string;
  tag: string;
  /** `public`: anyone; `user`: any signed-in user; `member`: resources of a group the caller belongs to. */
  access: 'public' | 'user' | 'member';
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  status: number;
  response?: z.ZodType;
}

const route = <const R extends RouteContract>(r: R): R => r;

export const routes = {
  health: route({ method: 'get', path: '/api/health', summary: 'Liveness and database check', tag: 'system', access: 'public', status: 200, response: Health }),

  register: route({ method: 'post', path: '/api/auth/register', summary: 'Create an account and sign in', tag: 'auth', access: 'public', body: RegisterBody, status: 201, response: UserDto }),
  login: route({ method: 'post', path: '/api/auth/login', summary: 'Sign in', tag: 'auth', access: 'public', body: LoginBody, status: 200, response: UserDto }),
  logout: route({ method: 'post', path: '/api/auth/logout', summary: 'Sign out of this session', tag: 'auth', access: 'user', status: 204 }),
  logoutAll: route({ method: 'post', path: '/api/auth/logout-all', summary: 'Sign out of every session', tag: 'auth', access: 'user', status: 204 }),
  me: route({ method: 'get', path: '/api/me', summary: 'The signed-in user', tag: 'auth', access: 'user', status: 200, response: UserDto }),
  sessions: route({ method: 'get', path: '/api/me/sessions', summary: 'My sessions', tag: 'auth', access: 'user', status: 200, response: SessionList }),
  revokeSession: route({ method: 'delete', path: '/api/me/sessions/:id', summary: 'Revoke one of my sessions', tag: 'auth', access: 'user', params: SessionIdParam, status: 204 }),
  changePassword: route({ method: 'post', path: '/api/me/password', summary: 'Change my password (signs out my other sessions)', tag: 'auth', access: 'user', body: ChangePasswordBody, status: 204 }),

  listGroups: route({ method: 'get', path: '/api/groups', summary: 'My groups', tag: 'groups', access: 'user', status: 200, response: GroupList }),
  createGroup: route({ method: 'post', path: '/api/groups', summary: 'Create a group (I become its owner)', tag: 'groups', access: 'user', body: CreateGroupBody, status: 201, response: GroupDto }),
  getGroup: route({ method: 'get', path: '/api/groups/:slug', summary: 'A group I belong to', tag: 'groups', access: 'member', params: SlugParam, status: 200, response: GroupDto }),
  joinGroup: route({ method: 'post', path: '/api/groups/join', summary: 'Join a group with an invite code', tag: 'groups', access: 'user', body: JoinBody, status: 200, response: JoinResult }),
  createInvite: route({ method: 'post', path: '/api/groups/:slug/invites', summary: 'Create an invite link (instructors)', tag: 'groups', access: 'member', params: SlugParam, body: CreateInviteBody, status: 201, response: InviteDto }),

  listDocuments: route({ method: 'get', path: '/api/groups/:slug/documents', summary: "A group's documents", tag: 'documents', access: 'member', params: SlugParam, status: 200, response: DocumentList }),
  importDocument: route({ method: 'post', path: '/api/groups/:slug/documents', summary: 'Import a document from plain text or Markdown (instructors)', tag: 'documents', access: 'member', params: SlugParam, body: ImportDocumentBody, status: 201, response: DocumentDto }),
  getDocument: route({ method: 'get', path: '/api/documents/:id', summary: 'A document with its canonical text and blocks', tag: 'documents', access: 'member', params: IdParam, status: 200, response: DocumentDto }),

  listAnnotations: route({ method: 'get', path: '/api/documents/:id/annotations', summary: "A document's annotations with their threads", tag: 'annotations', access: 'member', params: IdParam, query: AnnotationQuery, status: 200, response: AnnotationList }),
  createAnnotation: route({ method: 'post', path: '/api/documents/:id/annotations', summary: 'Annotate a passage', tag: 'annotations', access: 'member', params: IdParam, body: CreateAnnotationBody, status: 201, response: AnnotationDto }),
  patchAnnotation: route({ method: 'patch', path: '/api/annotations/:id', summary: 'Edit my annotation (409 on a stale version)', tag: 'annotations', access: 'member', params: IdParam, body: PatchAnnotationBody, status: 200, response: AnnotationDto }),
  deleteAnnotation: route({ method: 'delete', path: '/api/annotations/:id', summary: 'Delete my annotation', tag: 'annotations', access: 'member', params: IdParam, status: 204 }),
  createReply: route({ method: 'post', path: '/api/annotations/:id/replies', summary: 'Reply in a thread', tag: 'annotations', access: 'member', params: IdParam, body: CreateReplyBody, status: 201, response: ReplyDto }),
} satisfies Record<string, RouteContract>;

export type Routes = typeof routes;
export type RouteName = keyof Routes;
