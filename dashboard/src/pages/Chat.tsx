// placeholder
export default function Chat() {
  return null;
}
