import { z } from 'zod';

const email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
const password = z.string().min(8).max(128);

export const createUserSchema = z.strictObject({
  email,
  name: z.string().trim().min(1).max(100),
  password,
  role: z.enum(['admin', 'member']).default('member'),
});
export type CreateUserDto = z.output<typeof createUserSchema>;

export const updateUserSchema = z.strictObject({
  email: email.optional(),
  name: z.string().trim().min(1).max(100).optional(),
  password: password.optional(),
  role: z.enum(['admin', 'member']).optional(),
});
export type UpdateUserDto = z.output<typeof updateUserSchema>;
