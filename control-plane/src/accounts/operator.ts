// The platform operator: who runs this installation, as opposed to the developers who use it.
import type { Ctx } from '../context';

/**
 * True for an account whose email is in OPERATOR_EMAILS; without that list, for the first account registered
 * (in all-in-one mode the demo account, whose password only the console shows, or the installer's own).
 */
export async function isOperator(ctx: Ctx, operatorEmails: readonly string[], userId: string): Promise<boolean> {
  if (operatorEmails.length) {
    const user = await ctx.repos.users.findOne({ id: userId });
    return user !== null && operatorEmails.includes(user.email.toLowerCase());
  }
  const [first] = await ctx.repos.users.find({}, { sort: { createdAt: 1 }, limit: 1 });
  return first?.id === userId;
}
