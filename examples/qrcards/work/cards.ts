/**
 * The PDF of an order: `count` QR cards of a template on A4 pages (8 per page), each card
 * with its own QR code (`https://qrcards.example/c/<order>/<n>`). pdf-lib + qrcode, as in
 * examples/demo.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PDFDocument, rgb, StandardFonts } from "pdf-lib";
import { qrPng } from "../../demo/work/pdf.js";

export const TEMPLATES = {
  classic: { title: "Classic", band: rgb(0.12, 0.23, 0.45) },
  forest: { title: "Forest", band: rgb(0.11, 0.4, 0.24) },
  sunset: { title: "Sunset", band: rgb(0.75, 0.3, 0.12) },
} as const;
export type Template = keyof typeof TEMPLATES;

export interface OrderInput {
  orderId: string;
  customer: string;
  template: Template;
  count: number;
}

export function cardUrl(orderId: string, n: number): string {
  return `https://qrcards.example/c/${orderId}/${n}`;
}

const PER_PAGE = 8;

export async function renderOrderPdf(
  input: OrderInput,
  outDir: string,
  onCard: (done: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<{ file: string; cards: number; pages: number; bytes: number }> {
  const style = TEMPLATES[input.template];
  const doc = await PDFDocument.create();
  doc.setTitle(`QRCards order ${input.orderId}`);
  doc.setProducer("spool qrcards example");
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let page = doc.addPage([595, 842]); // A4
  for (let n = 1; n <= input.count; n++) {
    signal?.throwIfAborted();
    const slot = (n - 1) % PER_PAGE;
    if (n > 1 && slot === 0) page = doc.addPage([595, 842]);
    const x = 30 + (slot % 2) * 277;
    const y = 842 - 30 - (Math.floor(slot / 2) + 1) * 196;
    const url = cardUrl(input.orderId, n);
    const qr = await doc.embedPng(await qrPng(url, 300));
    page.drawRectangle({ x, y, width: 262, height: 186, borderColor: rgb(0.7, 0.7, 0.7), borderWidth: 1 });
    page.drawRectangle({ x, y: y + 156, width: 262, height: 30, color: style.band });
    page.drawText(`QRCards · ${style.title}`, {
      x: x + 10,
      y: y + 166,
      size: 11,
      font: bold,
      color: rgb(1, 1, 1),
    });
    page.drawText(input.customer.slice(0, 28), { x: x + 10, y: y + 130, size: 11, font: bold });
    page.drawText(`Card ${n} of ${input.count}`, { x: x + 10, y: y + 112, size: 9, font });
    page.drawText(input.orderId, { x: x + 10, y: y + 96, size: 7, font, color: rgb(0.4, 0.4, 0.4) });
    page.drawImage(qr, { x: x + 122, y: y + 8, width: 132, height: 132 });
    await onCard(n);
  }
  const bytes = await doc.save();
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, `${input.orderId}.pdf`);
  await writeFile(file, bytes);
  return { file, cards: input.count, pages: doc.getPageCount(), bytes: bytes.length };
}
