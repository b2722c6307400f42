// placeholder
export default function StreamDetail() {
  return null;
}
