import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';

export interface ExportDocumentRow {
  id: string;
  title: string;
  group: { slug: string };
}

@Injectable()
export class ExportRepository {
  constructor(private readonly prisma: PrismaService) {}

  document(id: string): Promise<ExportDocumentRow | null> {
    return this.prisma.document.findUnique({
      where: { id },
      select: { id: true, title: true, group: { select: { slug: true } } },
    });
  }
}
