import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { Prisma } from '../generated/prisma/client.js';

const SUMMARY = {
  id: true,
  groupId: true,
  title: true,
  author: true,
  source: true,
  createdAt: true,
  _count: { select: { annotations: { where: { deletedAt: null, visibility: 'group' as const } } } },
  revisions: { orderBy: { number: 'desc' as const }, take: 1, select: { number: true } },
} as const;

export interface DocumentSummaryRow {
  id: string;
  groupId: string;
  title: string;
  author: string | null;
  source: string | null;
  createdAt: Date;
  _count: { annotations: number };
  revisions: { number: number }[];
}

export interface NewDocument {
  groupId: string;
  title: string;
  author: string | null;
  source: string | null;
  createdById: string;
  format: string;
  content: string;
  text: string;
  blocks: Prisma.InputJsonValue;
}

@Injectable()
export class DocumentRepository {
  constructor(private readonly prisma: PrismaService) {}

  listForGroup(groupId: string): Promise<DocumentSummaryRow[]> {
    return this.prisma.document.findMany({ where: { groupId }, orderBy: { createdAt: 'asc' }, select: SUMMARY });
  }

  async create(doc: NewDocument): Promise<string> {
    const { format, content, text, blocks, ...meta } = doc;
    const created = await this.prisma.document.create({
      data: {
        ...meta,
        revisions: { create: { number: 1, format, content, text, blocks, createdById: doc.createdById } },
      },
      select: { id: true },
    });
    return created.id;
  }

  async findWithText(id: string) {
    return this.prisma.document.findUnique({
      where: { id },
      select: {
        ...SUMMARY,
        group: { select: { slug: true } },
        revisions: { orderBy: { number: 'desc' }, take: 1, select: { number: true, text: true, blocks: true } },
      },
    });
  }

  findByTitle(groupId: string, title: string): Promise<{ id: string } | null> {
    return this.prisma.document.findFirst({ where: { groupId, title }, select: { id: true } });
  }
}
