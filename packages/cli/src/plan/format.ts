import type { Ui } from '../ui.js';
import type { CostEstimate } from './cost.js';
import type { Plan } from './model.js';

/** `n Type` items joined and wrapped to `width` columns, each line indented. */
function wrap(items: string[], indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line}, ${item}` : item;
    if (line && indent.length + next.length > width) {
      lines.push(indent + line + ',');
      line = item;
    } else line = next;
  }
  if (line) lines.push(indent + line);
  return lines;
}

export function formatPlan(plan: Plan, ui: Ui): string[] {
  const out: string[] = [];
  const total = plan.stacks.reduce((n, s) => n + s.resourceCount, 0);
  out.push(ui.style.bold(`${plan.name} in ${plan.region}: ${plan.stacks.length} stacks, ${total} resources, ${plan.waves.length} waves`));
  plan.waves.forEach((wave, i) => {
    out.push('');
    out.push(`wave ${i + 1}${i === 0 ? '' : ' (after wave ' + i + ')'}: ${wave.join(', ')}`);
    for (const id of wave) {
      const s = plan.stacks.find((x) => x.id === id)!;
      const deps = s.dependsOn.length ? `, after ${s.dependsOn.join(', ')}` : '';
      out.push(`  ${s.stackName}: ${s.resourceCount} resources${deps}`);
      const byCount = Object.entries(s.resources).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      out.push(...wrap(byCount.map(([type, n]) => `${n} ${type}`), '    '));
    }
  });
  out.push('');
  out.push('modelled creation time (typical figures, minutes; each stack starts when the stacks it needs are done):');
  const w = Math.max(...plan.stacks.map((s) => s.id.length));
  for (const s of plan.stacks) {
    const chain = s.phases.map((p) => `${p.what} ${p.minutes}${p.notBefore ? ` (not before ${p.notBefore})` : ''}`).join(' → ');
    out.push(`  ${s.id.padEnd(w)}  ${String(s.startMinute).padStart(3)} → ${String(s.finishMinute).padStart(3)}  ${ui.style.dim(chain)}`);
  }
  const ratio = plan.criticalPathMinutes / plan.serialMinutes;
  out.push(`  critical path ${ui.style.bold(`${plan.criticalPathMinutes} min`)}; the same stacks one at a time ${plan.serialMinutes} min (${ratio.toFixed(2)}×)`);
  return out;
}

function money(amount: number, currency: string): string {
  return `${amount.toFixed(2)} ${currency}`;
}

export function formatCost(cost: CostEstimate, ui: Ui): string[] {
  const out: string[] = ['', ui.style.bold(`monthly cost of what runs all the time (${cost.hoursPerMonth} h/month, on-demand list prices from the AWS Price List API, ${cost.pricingRegion}):`)];
  const w = Math.max(...cost.items.map((i) => i.what.length));
  for (const item of cost.items) {
    out.push(`  ${item.what.padEnd(w)}  ${money(item.monthly, cost.currency).padStart(14)}  ${ui.style.dim(item.basis)}`);
  }
  out.push(`  ${'total'.padEnd(w)}  ${ui.style.bold(money(cost.monthlyTotal, cost.currency).padStart(14))}`);
  if (cost.queues.length) {
    out.push('', 'hourly price of each queue\'s instance types (charged only while instances run):');
    for (const q of cost.queues) out.push(`  ${q.cluster} ${q.queue}: ${q.instanceType} ${q.capacityType === 'SPOT' ? '(SPOT: below this on-demand price) ' : ''}${money(q.hourly, cost.currency)}/h, up to ${q.maxCount}`);
  }
  out.push('', 'not counted:');
  for (const n of cost.notCounted) out.push(`  - ${n}`);
  return out;
}
