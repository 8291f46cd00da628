import { Alert, message } from 'antd';
import { useCallback, useState, type ReactNode } from 'react';
import { useElderMode } from '../prefs/ElderMode';

type NoticeKind = 'success' | 'error' | 'info' | 'warning';

interface Notice {
  kind: NoticeKind;
  text: string;
}

/**
 * Feedback after an action. Normally a short toast (antd message); in 长者模式 an inline alert that stays
 * where the action happened, because toasts vanish before slower readers can read them.
 * Render `node` next to the control that triggered the action (it also hosts the toast context).
 */
export function useNotice(): {
  notify: (kind: NoticeKind, text: string) => void;
  clear: () => void;
  node: ReactNode;
} {
  const { elder } = useElderMode();
  const [messageApi, contextHolder] = message.useMessage();
  const [notice, setNotice] = useState<Notice | null>(null);

  const notify = useCallback(
    (kind: NoticeKind, text: string) => {
      if (elder) {
        setNotice({ kind, text });
      } else {
        setNotice(null);
        void messageApi.open({ type: kind, content: text });
      }
    },
    [elder, messageApi],
  );
  const clear = useCallback(() => {
    setNotice(null);
  }, []);

  const node = (
    <>
      {contextHolder}
      {notice && (
        <Alert
          type={notice.kind}
          title={notice.text}
          showIcon
          role={notice.kind === 'error' ? 'alert' : 'status'}
          closable={{ onClose: clear }}
          style={{ marginBottom: 16 }}
          data-testid="inline-notice"
        />
      )}
    </>
  );

  return { notify, clear, node };
}
