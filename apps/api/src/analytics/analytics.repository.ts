import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';

export interface AnalyticsDocumentRow {
  id: string;
  title: string;
}

export interface AnalyticsStudentRow {
  id: string;
  displayName: string;
  handle: string;
}

export interface AnalyticsAnnotationRow {
  id: string;
  documentId: string;
  authorId: string;
  start: number | null;
  end: number | null;
  text: string;
  visibility: 'private' | 'group';
  review: 'approved' | 'pending' | 'rejected';
  deletedAt: Date | null;
  removedAt: Date | null;
  votes: { userId: string }[];
}

export interface AnalyticsReplyRow {
  id: string;
  annotationId: string;
  parentId: string | null;
  authorId: string;
  text: string;
  move: 'comment' | 'support' | 'rebut' | 'qualify' | 'question' | 'source_request';
  review: 'approved' | 'pending' | 'rejected';
  deletedAt: Date | null;
  removedAt: Date | null;
  votes: { userId: string }[];
  annotation: { documentId: string; authorId: string; visibility: 'private' | 'group' };
}

export interface AnalyticsStanceRow {
  userId: string;
  positionId: string;
  annotationId: string | null;
  replyId: string | null;
  debate: { documentId: string };
}

@Injectable()
export class AnalyticsRepository {
  constructor(private readonly prisma: PrismaService) {}

  documents(groupId: string): Promise<AnalyticsDocumentRow[]> {
    return this.prisma.document.findMany({
      where: { groupId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true, title: true },
    });
  }

  async students(groupId: string): Promise<AnalyticsStudentRow[]> {
    const rows = await this.prisma.membership.findMany({
      where: { groupId, role: 'student' },
      select: { user: { select: { id: true, displayName: true, handle: true } } },
    });
    return rows.map((r) => r.user);
  }

  annotations(documentIds: string[]): Promise<AnalyticsAnnotationRow[]> {
    return this.prisma.annotation.findMany({
      where: { documentId: { in: documentIds } },
      select: {
        id: true,
        documentId: true,
        authorId: true,
        start: true,
        end: true,
        text: true,
        visibility: true,
        review: true,
        deletedAt: true,
        removedAt: true,
        votes: { select: { userId: true } },
      },
    });
  }

  replies(documentIds: string[]): Promise<AnalyticsReplyRow[]> {
    return this.prisma.reply.findMany({
      where: { annotation: { documentId: { in: documentIds } } },
      select: {
        id: true,
        annotationId: true,
        parentId: true,
        authorId: true,
        text: true,
        move: true,
        review: true,
        deletedAt: true,
        removedAt: true,
        votes: { select: { userId: true } },
        annotation: { select: { documentId: true, authorId: true, visibility: true } },
      },
    });
  }

  stances(documentIds: string[]): Promise<AnalyticsStanceRow[]> {
    return this.prisma.stance.findMany({
      where: { debate: { documentId: { in: documentIds } } },
      select: {
        userId: true,
        positionId: true,
        annotationId: true,
        replyId: true,
        debate: { select: { documentId: true } },
      },
    });
  }
}
