/** A real one-page PDF (pdf-lib) with a QR code image (qrcode): the seeds' PDF/QR generation. */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PDFDocument, rgb, StandardFonts } from "pdf-lib";
import QRCode from "qrcode";

export interface CardInput {
  orderId: string;
  customer: string;
  url: string;
}

export function qrPng(text: string, width = 256): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: "png", width, margin: 1, errorCorrectionLevel: "M" });
}

export async function renderCardPdf(
  input: CardInput,
  outDir: string,
): Promise<{ path: string; bytes: number }> {
  const doc = await PDFDocument.create();
  doc.setTitle(`QR card ${input.orderId}`);
  doc.setProducer("spool demo");
  const page = doc.addPage([420, 298]); // A6 landscape, in points
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const qr = await doc.embedPng(await qrPng(input.url));
  page.drawRectangle({ x: 0, y: 258, width: 420, height: 40, color: rgb(0.12, 0.23, 0.45) });
  page.drawText("QRCards", { x: 20, y: 272, size: 16, font: bold, color: rgb(1, 1, 1) });
  page.drawText(`Order ${input.orderId}`, { x: 20, y: 220, size: 14, font: bold });
  page.drawText(`For ${input.customer}`, { x: 20, y: 198, size: 11, font });
  page.drawText(input.url, { x: 20, y: 180, size: 8, font, color: rgb(0.3, 0.3, 0.3) });
  page.drawImage(qr, { x: 250, y: 40, width: 150, height: 150 });
  const bytes = await doc.save();
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, `${input.orderId}.pdf`);
  await writeFile(path, bytes);
  return { path, bytes: bytes.length };
}
