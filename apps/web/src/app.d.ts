import type { UserDto } from '@scholia/shared';

declare global {
  namespace App {
    interface Locals {
      user: UserDto | null;
    }
    interface PageData {
      user: UserDto | null;
    }
  }
}

export {};
