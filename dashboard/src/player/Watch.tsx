// placeholder
export default function Watch(_: { embed?: boolean }) {
  return null;
}
