/**
 * How much of each discount part (a coupon, a voucher's merchant or platform share, points) one
 * refund returns, when the parts are given back in proportion to the refund.
 *
 * Neither provider's page gives a formula (see wechat/engine/promotions.ts and alipay/discounts.ts),
 * so the sandbox keeps three promises and rounds the rest down:
 * - the parts' combined share of the refunds so far is floor(parts × refunded / total), so one
 *   refund never returns more discount than its own amount (the parts are less than the total);
 * - no part returns more than it has left;
 * - the refund that completes the order returns every part whole.
 * The combined share of this refund goes to the parts whose own proportional share is furthest
 * behind, first part first on a tie.
 *
 * @param parts each part's amount on the order, in fen
 * @param returned what each part already returned on earlier refunds (not closed ones)
 * @param totalFen the order total; refundedBeforeFen and refundFen are amounts of it
 */
export function proportionalShares(
  parts: readonly number[],
  returned: readonly number[],
  totalFen: number,
  refundedBeforeFen: number,
  refundFen: number,
): number[] {
  const partsFen = parts.reduce((s, p) => s + p, 0);
  const after = refundedBeforeFen + refundFen;
  const combined = (refunded: number) => Math.floor((partsFen * refunded) / totalFen);
  let left = Math.min(combined(after) - combined(refundedBeforeFen), partsFen - sum(returned));
  const shares = parts.map(() => 0);
  while (left > 0) {
    // The part furthest behind its proportional target (after this refund) that has money left.
    let best = -1;
    let bestGap = Number.NEGATIVE_INFINITY;
    parts.forEach((p, i) => {
      const done = (returned[i] ?? 0) + (shares[i] ?? 0);
      if (done >= p) return;
      const gap = (p * after) / totalFen - done;
      if (gap > bestGap) {
        best = i;
        bestGap = gap;
      }
    });
    if (best < 0) break;
    const done = (returned[best] ?? 0) + (shares[best] ?? 0);
    const target = Math.ceil((parts[best] ?? 0) * (after / totalFen));
    const give = Math.max(1, Math.min(left, (parts[best] ?? 0) - done, target - done));
    shares[best] = (shares[best] ?? 0) + give;
    left -= give;
  }
  return shares;
}

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
